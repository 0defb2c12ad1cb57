import { callFunction } from './functions.js';
import { parseExpressionOrThrow } from './parser.js';
import { didYouMean } from './suggest.js';
import { CONTEXT_NAMES, ExpressionError, type Expr, type JsonValue, type Scope } from './types.js';
import { isTruthy, ownProperty, typeOf, valuesEqual } from './values.js';

export { isTruthy } from './values.js';

/**
 * Evaluates a parsed expression against a scope. Semantics (docs/expressions.md):
 * - `==`/`!=` are strict: different types are never equal; strings compare case-sensitively;
 *   arrays and objects compare by content.
 * - `<`, `<=`, `>`, `>=` compare two numbers or two strings; anything else is a type error.
 * - `&&`/`||` short-circuit and return one of their operands; `!` returns a boolean.
 * - A missing property of an object is null; a property of null is null; a property of a
 *   string, number or boolean is a type error. Unknown top-level names are errors.
 * Throws ExpressionError (with the offset of the offending node) and nothing else.
 */
export function evaluate(ast: Expr, scope: Scope): JsonValue {
  try {
    return evalNode(ast, scope);
  } catch (err) {
    // Only a hand-built or data-driven pathological value (e.g. deeply nested JSON) gets here.
    if (err instanceof RangeError) throw new ExpressionError('expression or value is nested too deeply', ast.offset);
    throw err;
  }
}

function evalNode(node: Expr, scope: Scope): JsonValue {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'context':
      return lookupContext(node.name, scope, node.offset);
    case 'member':
      return memberOf(evalNode(node.object, scope), node.property, node.offset);
    case 'index':
      return indexOf(evalNode(node.object, scope), evalNode(node.index, scope), node.offset);
    case 'unary':
      return !isTruthy(evalNode(node.operand, scope));
    case 'binary':
      return evalBinary(node, scope);
    case 'call':
      return callFunction(node.name, node.args.map((arg) => evalNode(arg, scope)), scope, node.offset);
    default:
      throw new ExpressionError(`unknown expression node '${(node as { kind: unknown }).kind as string}'`, 0);
  }
}

function lookupContext(name: string, scope: Scope, offset: number): JsonValue {
  if (Object.hasOwn(scope.contexts, name)) {
    const value = scope.contexts[name];
    return value === undefined ? null : value;
  }
  const available = Object.keys(scope.contexts);
  if ((CONTEXT_NAMES as readonly string[]).includes(name)) {
    throw new ExpressionError(`the '${name}' context is not available here`, offset,
      available.length ? `available here: ${available.join(', ')}` : undefined);
  }
  const suggestion = didYouMean(name, [...CONTEXT_NAMES, ...available]);
  throw new ExpressionError(`unknown name '${name}'${suggestion ? ` — ${suggestion}` : ''}`, offset,
    `names are ${[...new Set([...CONTEXT_NAMES, ...available])].join(', ')}; text must be quoted: '${name}'`);
}

function memberOf(object: JsonValue, property: string, offset: number): JsonValue {
  const type = typeOf(object);
  if (type === 'null') return null;
  if (type === 'object') return ownProperty(object as Record<string, JsonValue>, property);
  const hint = type === 'array' ? 'use an index such as [0] to read an element' : undefined;
  throw new ExpressionError(`cannot read property '${property}' of ${article(type)}`, offset, hint);
}

function indexOf(object: JsonValue, index: JsonValue, offset: number): JsonValue {
  const type = typeOf(object);
  if (type === 'null') return null;
  if (type === 'object') {
    if (typeof index !== 'string') throw new ExpressionError(`an object's keys are strings, got ${typeOf(index)}`, offset);
    return ownProperty(object as Record<string, JsonValue>, index);
  }
  if (type === 'array') {
    if (typeof index !== 'number') throw new ExpressionError(`an array index must be a number, got ${typeOf(index)}`, offset);
    const list = object as JsonValue[];
    return Number.isInteger(index) && index >= 0 && index < list.length ? (list[index] ?? null) : null;
  }
  throw new ExpressionError(`cannot index into ${article(type)}`, offset);
}

function evalBinary(node: Extract<Expr, { kind: 'binary' }>, scope: Scope): JsonValue {
  const left = evalNode(node.left, scope);
  switch (node.op) {
    case '&&':
      return isTruthy(left) ? evalNode(node.right, scope) : left;
    case '||':
      return isTruthy(left) ? left : evalNode(node.right, scope);
    case '==':
      return valuesEqual(left, evalNode(node.right, scope));
    case '!=':
      return !valuesEqual(left, evalNode(node.right, scope));
    default:
      return compare(node.op, left, evalNode(node.right, scope), node.offset);
  }
}

function compare(op: '<' | '<=' | '>' | '>=', left: JsonValue, right: JsonValue, offset: number): boolean {
  const lt = typeOf(left);
  const rt = typeOf(right);
  if (lt !== rt || (lt !== 'number' && lt !== 'string')) {
    throw new ExpressionError(`cannot compare ${lt} with ${rt} using '${op}'`, offset,
      "'<', '<=', '>' and '>=' compare two numbers or two strings; convert with fromJSON() if needed");
  }
  const a = left as number | string;
  const b = right as number | string;
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

/** Parses and evaluates one expression source; throws ExpressionError (syntax or evaluation). */
export function evaluateExpression(source: string, scope: Scope): JsonValue {
  return evaluate(parseExpressionOrThrow(source), scope);
}

function article(type: string): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}
