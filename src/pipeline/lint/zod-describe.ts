import { globalRegistry } from 'zod';
import type { PathPart } from '../yaml-positions.js';

/**
 * Reads zod schemas to talk about them in user words ("a list of strings") and to find the schema
 * at a document path. Uses zod's internal `_zod.def`, which is stable within zod 4.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Def = Record<string, any> & { type: string };
export type SchemaLike = { _zod: { def: Def } };

const defOf = (s: SchemaLike): Def => s._zod.def;

/** Strips optional/nullable/default wrappers. */
export function unwrap(s: SchemaLike): SchemaLike {
  let cur = s;
  for (let i = 0; i < 16; i++) {
    const d = defOf(cur);
    if ((d.type === 'optional' || d.type === 'nullable' || d.type === 'default' || d.type === 'readonly') && d.innerType) cur = d.innerType;
    else break;
  }
  return cur;
}

function child(s: SchemaLike, part: PathPart): SchemaLike | undefined {
  const cur = unwrap(s);
  const d = defOf(cur);
  switch (d.type) {
    case 'object':
      return (d.shape as Record<string, SchemaLike>)[String(part)] ?? d.catchall;
    case 'record':
      return d.valueType;
    case 'array':
      return typeof part === 'number' ? d.element : undefined;
    case 'union':
      // Prefer the branch that can hold the part: an object with that key, a record, or an array.
      for (const option of d.options as SchemaLike[]) {
        const found = child(option, part);
        if (found) return found;
      }
      return undefined;
    default:
      return undefined;
  }
}

export function schemaAt(root: SchemaLike, path: readonly PathPart[]): SchemaLike | undefined {
  let cur: SchemaLike | undefined = root;
  for (const part of path) {
    if (!cur) return undefined;
    cur = child(cur, part);
  }
  return cur;
}

/** Keys an object schema allows (for "did you mean"); undefined when not an object. */
export function allowedKeys(s: SchemaLike | undefined): string[] | undefined {
  if (!s) return undefined;
  const d = defOf(unwrap(s));
  if (d.type === 'object') return Object.keys(d.shape as object);
  if (d.type === 'union') {
    const keys = (d.options as SchemaLike[]).flatMap((o) => allowedKeys(o) ?? []);
    return keys.length ? [...new Set(keys)] : undefined;
  }
  return undefined;
}

const quote = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : String(v));

function joinOr(parts: string[]): string {
  const unique = [...new Set(parts)];
  if (unique.length <= 1) return unique[0] ?? 'a value';
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

/** "a string", "a list of strings", "one of 'push', 'tag'", "a string or a list of strings". */
export function describeExpected(s: SchemaLike | undefined, depth = 0): string {
  if (!s || depth > 4) return 'a value';
  const cur = unwrap(s);
  const d = defOf(cur);
  // The schema marks durations in their description; say it the way people write them.
  if (/^Duration/.test(globalRegistry.get(cur as never)?.description ?? '')) return 'a duration (90s, 20m, 1h30m) or a number of seconds';
  switch (d.type) {
    case 'string':
      return 'a string';
    case 'number': {
      const format = (cur as unknown as { format?: string | null }).format;
      return format && /int/.test(format) ? 'a whole number' : 'a number';
    }
    case 'boolean':
      return 'true or false';
    case 'literal':
      return joinOr((d.values as unknown[]).map(quote));
    case 'enum':
      return `one of ${Object.values(d.entries as Record<string, unknown>).map(quote).join(', ')}`;
    case 'array':
      return `a list of ${describePlural(d.element, depth + 1)}`;
    case 'object':
    case 'record':
      return 'a mapping';
    case 'union':
      return joinOr((d.options as SchemaLike[]).map((o) => describeExpected(o, depth + 1)));
    default:
      return 'a value';
  }
}

function describePlural(s: SchemaLike | undefined, depth: number): string {
  if (!s) return 'values';
  const d = defOf(unwrap(s));
  switch (d.type) {
    case 'string':
      return 'strings';
    case 'number':
      return 'numbers';
    case 'boolean':
      return 'true/false values';
    case 'object':
    case 'record':
      return 'mappings';
    case 'enum':
      return `${Object.values(d.entries as Record<string, unknown>).map(quote).join(', ')}`;
    case 'union':
      return joinOr((d.options as SchemaLike[]).map((o) => describePlural(o, depth + 1)));
    default:
      return 'values';
  }
}

/** "a number (5)", "a list", "an empty value", "a string ('abc')". */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'an empty value';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `a string ('${v.length > 40 ? `${v.slice(0, 37)}...` : v}')`;
  if (typeof v === 'boolean') return `${v}`;
  return `a ${typeof v} (${String(v)})`;
}
