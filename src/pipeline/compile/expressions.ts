import {
  ExpressionError,
  conditionExpression,
  RUNTIME_FUNCTIONS,
  evaluate,
  evaluateTemplate,
  isTruthy,
  parseExpression,
  parseTemplate,
  references,
  type Expr,
  type JsonValue,
  type Scope,
} from '../expr/index.js';
import type { GitContext } from '../plan.js';
import type { Combination } from './matrix.js';

/**
 * Compile-time evaluation. An expression is evaluated now only when everything it reads is fixed
 * for the whole run: the `git`, `inputs`, `matrix` and `env` contexts, and no status function or
 * hashFiles. Everything else is left, as written, for the engine to evaluate at run time.
 * `env` counts as compile-time only while every env value it could read is plain text (a value
 * that is itself a template is only known at run time).
 */
export const COMPILE_TIME_CONTEXTS: ReadonlySet<string> = new Set(['git', 'inputs', 'matrix', 'env']);

export interface CompileScope {
  git: GitContext;
  inputs: Record<string, string | number | boolean>;
  matrix: Combination;
  env: Record<string, string>;
}

export type ConditionResult =
  | { kind: 'value'; value: boolean }
  | { kind: 'deferred'; source: string }
  | { kind: 'error'; message: string; hint?: string };

/**
 * `${{ a == b }}` → `a == b`, `a == b` → `a == b` (trimmed). A value that does not unwrap (text
 * mixed with `${{ }}`) is returned trimmed; compileCondition reports it.
 */
export function unwrapExpression(source: string): string {
  try {
    return conditionExpression(source).source.trim();
  } catch {
    return source.trim();
  }
}

function toScope(scope: CompileScope): Scope {
  return {
    contexts: {
      git: { ...scope.git } as unknown as JsonValue,
      inputs: scope.inputs,
      matrix: scope.matrix,
      env: scope.env,
    },
  };
}

/** The env names an expression reads, or 'all' when it indexes env with a computed key or uses env whole. */
function envKeysRead(ast: Expr): Set<string> | 'all' {
  const keys = new Set<string>();
  let all = false;
  const walk = (node: Expr, parentReadsKey: boolean): void => {
    switch (node.kind) {
      case 'context':
        if (node.name === 'env' && !parentReadsKey) all = true;
        return;
      case 'member':
        if (node.object.kind === 'context' && node.object.name === 'env') keys.add(node.property);
        walk(node.object, true);
        return;
      case 'index':
        if (node.object.kind === 'context' && node.object.name === 'env' && node.index.kind === 'literal') keys.add(String(node.index.value));
        else if (node.object.kind === 'context' && node.object.name === 'env') all = true;
        walk(node.object, true);
        walk(node.index, false);
        return;
      case 'unary':
        walk(node.operand, false);
        return;
      case 'binary':
        walk(node.left, false);
        walk(node.right, false);
        return;
      case 'call':
        for (const arg of node.args) walk(arg, false);
        return;
      default:
        return;
    }
  };
  walk(ast, false);
  return all ? 'all' : keys;
}

/** Whether every env value the expression reads is plain text (a template is only known at run time). */
function envIsPlain(ast: Expr, env: Record<string, string>): boolean {
  const read = envKeysRead(ast);
  const keys = read === 'all' ? Object.keys(env) : [...read].filter((key) => Object.hasOwn(env, key));
  return keys.every((key) => !env[key]!.includes('${{'));
}

export function isCompileTime(ast: Expr, scope: CompileScope): boolean {
  const refs = references(ast);
  for (const name of refs.contexts) if (!COMPILE_TIME_CONTEXTS.has(name)) return false;
  for (const name of refs.functions) if (RUNTIME_FUNCTIONS.has(name)) return false;
  return !refs.contexts.has('env') || envIsPlain(ast, scope.env);
}

function describeError(err: unknown): { message: string; hint?: string } {
  if (err instanceof ExpressionError) return err.hint === undefined ? { message: err.message } : { message: err.message, hint: err.hint };
  return { message: err instanceof Error ? err.message : String(err) };
}

/** An `if:` value: a boolean, or an expression (optionally wrapped in `${{ }}`). */
export function compileCondition(value: string | boolean, scope: CompileScope): ConditionResult {
  if (typeof value === 'boolean') return { kind: 'value', value };
  let source: string;
  try {
    source = conditionExpression(value).source.trim();
  } catch (err) {
    const { message, hint } = describeError(err);
    return { kind: 'error', message: `if: ${message}`, ...(hint ? { hint } : {}) };
  }
  const parsed = parseExpression(source);
  if (!parsed.ok) return { kind: 'error', message: `if: ${parsed.error.message}`, ...(parsed.error.hint ? { hint: parsed.error.hint } : {}) };
  if (!isCompileTime(parsed.ast, scope)) return { kind: 'deferred', source };
  try {
    return { kind: 'value', value: isTruthy(evaluate(parsed.ast, toScope(scope))) };
  } catch (err) {
    const { message, hint } = describeError(err);
    return { kind: 'error', message: `if: ${source}: ${message}`, ...(hint ? { hint } : {}) };
  }
}

export type TemplateResult = { ok: true; value: string } | { ok: false; message: string; hint?: string };

/**
 * Evaluates a template now when all of its expressions are compile-time, else returns it
 * unchanged. A result that itself contains `${{` is also returned unchanged: an outside value
 * (say, a branch named `${{ secrets.x }}`) must never be read as an expression later.
 */
export function compileTemplate(text: string, scope: CompileScope): TemplateResult {
  const parsed = parseTemplate(text);
  if (!parsed.ok) return { ok: false, message: parsed.error.message };
  const exprs = parsed.parts.filter((p) => p.kind === 'expr');
  if (exprs.length === 0) return { ok: true, value: text };
  for (const part of exprs) {
    const ast = parseExpression(part.text.trim());
    if (!ast.ok) return { ok: false, message: ast.error.message };
    if (!isCompileTime(ast.ast, scope)) return { ok: true, value: text };
  }
  try {
    const value = evaluateTemplate(text, toScope(scope));
    return { ok: true, value: value.includes('${{') ? text : value };
  } catch (err) {
    return { ok: false, ...describeError(err) };
  }
}

/** Whether a template reads the given context (e.g. a job name that mentions `matrix`). */
export function templateUses(text: string, context: string): boolean {
  const parsed = parseTemplate(text);
  if (!parsed.ok) return false;
  return parsed.parts.some((part) => {
    if (part.kind !== 'expr') return false;
    const ast = parseExpression(part.text.trim());
    return ast.ok && references(ast.ast).contexts.has(context);
  });
}
