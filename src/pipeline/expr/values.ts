import type { JsonValue } from './types.js';

/** The type names used in error messages and docs. */
export type ValueType = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';

export function typeOf(value: JsonValue): ValueType {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  if (t === 'string' || t === 'number' || t === 'boolean') return t;
  return 'object';
}

/** GitHub Actions truthiness: false, 0, '' (and NaN) and null are false; everything else is true. */
export function isTruthy(value: JsonValue): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (typeof value === 'string') return value !== '';
  return true;
}

/**
 * How a value is written into a string (templates, format(), join()): strings as they are,
 * null as '', numbers and booleans as JavaScript prints them, arrays and objects as compact JSON.
 */
export function toText(value: JsonValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Strict, structural equality: values of different types are never equal; strings are case-sensitive. */
export function valuesEqual(a: JsonValue, b: JsonValue): boolean {
  const ta = typeOf(a);
  if (ta !== typeOf(b)) return false;
  if (ta === 'array') {
    const xs = a as JsonValue[];
    const ys = b as JsonValue[];
    return xs.length === ys.length && xs.every((x, i) => valuesEqual(x, ys[i] as JsonValue));
  }
  if (ta === 'object') {
    const xs = a as Record<string, JsonValue>;
    const ys = b as Record<string, JsonValue>;
    const keys = Object.keys(xs);
    if (keys.length !== Object.keys(ys).length) return false;
    return keys.every((k) => Object.hasOwn(ys, k) && valuesEqual(xs[k] as JsonValue, ys[k] as JsonValue));
  }
  if (ta === 'null') return true;
  return a === b;
}

/** Reads an own property only, so names like `constructor` or `__proto__` never reach the prototype. */
export function ownProperty(object: Record<string, JsonValue>, key: string): JsonValue {
  if (!Object.hasOwn(object, key)) return null;
  const value = object[key];
  return value === undefined ? null : value;
}
