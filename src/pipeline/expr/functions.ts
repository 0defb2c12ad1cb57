import { didYouMean } from './suggest.js';
import { ExpressionError, type HostFunctions, type JsonValue, type Scope } from './types.js';
import { toText, typeOf, valuesEqual } from './values.js';

/** What the checker and the evaluator know about one function. */
export interface FunctionSpec {
  readonly name: string;
  readonly minArgs: number;
  /** Infinity for variadic functions. */
  readonly maxArgs: number;
  /** Shown in arity errors and the docs. */
  readonly signature: string;
  /** Supplied by the host through Scope.functions (status functions, hashFiles). */
  readonly host: boolean;
}

const spec = (name: string, minArgs: number, maxArgs: number, signature: string, host = false): FunctionSpec =>
  ({ name, minArgs, maxArgs, signature, host });

/** Every function of the language. Names are case-sensitive. */
export const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map([
  spec('contains', 2, 2, 'contains(search, item)'),
  spec('startsWith', 2, 2, 'startsWith(text, prefix)'),
  spec('endsWith', 2, 2, 'endsWith(text, suffix)'),
  spec('format', 1, Infinity, "format('{0} {1}', a, b)"),
  spec('join', 1, 2, "join(array, separator = ',')"),
  spec('toJSON', 1, 1, 'toJSON(value)'),
  spec('fromJSON', 1, 1, 'fromJSON(text)'),
  spec('success', 0, 0, 'success()', true),
  spec('failure', 0, 0, 'failure()', true),
  spec('always', 0, 0, 'always()', true),
  spec('cancelled', 0, 0, 'cancelled()', true),
  spec('hashFiles', 1, Infinity, "hashFiles('pattern', ...)", true),
].map((s) => [s.name, s]));

/** The arity problem of a call, or undefined when the number of arguments fits. */
export function arityProblem(fn: FunctionSpec, count: number): string | undefined {
  if (count >= fn.minArgs && count <= fn.maxArgs) return undefined;
  const expected = fn.minArgs === fn.maxArgs
    ? `${fn.minArgs} argument${fn.minArgs === 1 ? '' : 's'}`
    : fn.maxArgs === Infinity
      ? `at least ${fn.minArgs} argument${fn.minArgs === 1 ? '' : 's'}`
      : `${fn.minArgs} to ${fn.maxArgs} arguments`;
  return `${fn.name}() takes ${expected}, got ${count}`;
}

/** The "unknown function" error text and hint. */
export function unknownFunction(name: string): { message: string; hint: string } {
  const suggestion = didYouMean(name, FUNCTIONS.keys());
  return {
    message: `unknown function '${name}()'${suggestion ? ` — ${suggestion}` : ''}`,
    hint: `functions: ${[...FUNCTIONS.keys()].join(', ')}`,
  };
}

type Impl = (args: JsonValue[], fail: (message: string) => never) => JsonValue;

const BUILTINS: ReadonlyMap<string, Impl> = new Map<string, Impl>([
  ['contains', ([search = null, item = null], fail) => {
    if (search === null) return false;
    if (typeof search === 'string') {
      if (typeof item !== 'string') fail(`contains() on a string looks for a string, got ${typeOf(item)}`);
      return search.includes(item as string);
    }
    if (Array.isArray(search)) return search.some((element) => valuesEqual(element, item));
    return fail(`contains() expects a string or an array to search, got ${typeOf(search)}`);
  }],
  ['startsWith', ([text = null, prefix = null], fail) =>
    text === null ? false : stringArg('startsWith', text, 'text', fail).startsWith(stringArg('startsWith', prefix, 'prefix', fail))],
  ['endsWith', ([text = null, suffix = null], fail) =>
    text === null ? false : stringArg('endsWith', text, 'text', fail).endsWith(stringArg('endsWith', suffix, 'suffix', fail))],
  ['format', ([pattern = null, ...values], fail) => format(stringArg('format', pattern, 'pattern', fail), values, fail)],
  ['join', ([list = null, separator = ','], fail) => {
    const sep = stringArg('join', separator, 'separator', fail);
    if (typeof list === 'string') return list;
    if (!Array.isArray(list)) return fail(`join() expects an array, got ${typeOf(list)}`);
    return list.map(toText).join(sep);
  }],
  ['toJSON', ([value = null]) => JSON.stringify(value) ?? 'null'],
  ['fromJSON', ([text = null], fail) => {
    const source = stringArg('fromJSON', text, 'text', fail);
    try {
      return JSON.parse(source) as JsonValue;
    } catch (err) {
      return fail(`fromJSON(): invalid JSON — ${err instanceof Error ? err.message : String(err)}`);
    }
  }],
]);

function stringArg(fn: string, value: JsonValue, what: string, fail: (message: string) => never): string {
  if (typeof value !== 'string') fail(`${fn}() expects a string as ${what}, got ${typeOf(value)}`);
  return value as string;
}

/** format(): `{N}` is replaced by argument N as text; `{{` and `}}` stand for literal braces. */
function format(pattern: string, values: JsonValue[], fail: (message: string) => never): string {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if ((c === '{' || c === '}') && pattern[i + 1] === c) {
      out += c;
      i += 2;
    } else if (c === '{') {
      const match = /^\{(\d+)\}/.exec(pattern.slice(i, i + 12));
      if (!match) fail(`format(): '{' at position ${i} of the pattern must start a placeholder like {0} (write {{ for a literal brace)`);
      const n = Number(match?.[1]);
      if (n >= values.length) fail(`format(): placeholder {${n}} has no argument (${values.length} given)`);
      out += toText(values[n] as JsonValue);
      i += (match?.[0] ?? '').length;
    } else if (c === '}') {
      fail(`format(): unmatched '}' at position ${i} of the pattern (write }} for a literal brace)`);
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * Calls a function by name with evaluated arguments. Errors (unknown function, arity, argument
 * types, host function not available) are ExpressionErrors at `offset`, the call's position.
 */
export function callFunction(name: string, args: JsonValue[], scope: Scope, offset: number): JsonValue {
  const fail = (message: string, hint?: string): never => {
    throw new ExpressionError(message, offset, hint);
  };
  const fn = FUNCTIONS.get(name);
  if (!fn) {
    const unknown = unknownFunction(name);
    return fail(unknown.message, unknown.hint);
  }
  const arity = arityProblem(fn, args.length);
  if (arity) fail(arity, `usage: ${fn.signature}`);
  if (fn.host) return callHost(fn, args, scope, fail);
  const impl = BUILTINS.get(name);
  if (!impl) return fail(`function '${name}()' has no implementation`);
  return impl(args, (message) => fail(message, `usage: ${fn.signature}`));
}

function callHost(fn: FunctionSpec, args: JsonValue[], scope: Scope, fail: (m: string, h?: string) => never): JsonValue {
  const host = scope.functions;
  const impl = host && Object.hasOwn(host, fn.name) ? host[fn.name as keyof HostFunctions] : undefined;
  if (typeof impl !== 'function') {
    return fail(`${fn.name}() is not available here`,
      fn.name === 'hashFiles' ? 'hashFiles() works only while a job runs, inside its workspace' : 'status functions work in job and step if: conditions');
  }
  if (fn.name === 'hashFiles') {
    const patterns = args.map((arg, i) => {
      if (typeof arg !== 'string') fail(`hashFiles() expects string patterns, argument ${i + 1} is ${typeOf(arg)}`);
      return arg as string;
    });
    return (impl as HostFunctions['hashFiles']).apply(host, patterns);
  }
  return (impl as () => boolean).call(host);
}
