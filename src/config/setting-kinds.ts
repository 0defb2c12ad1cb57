import { z } from 'zod';
import { parseDuration } from '../core/index.js';

/**
 * The kinds of value a setting can hold. Each kind is a zod schema that accepts the value as a
 * config file holds it (number, boolean, string) AND as text from an environment variable or a
 * flag, and outputs the typed value. Messages say what was expected, because they are shown next to
 * the setting and where its value came from (`GANTRY_LISTEN="abc": expected HOST:PORT`).
 */

/** Which flag shape commander gives the setting: booleans also get `--no-<flag>`. */
export type SettingShape = 'value' | 'boolean';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

const HOST_PORT = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/;

export function hostPort() {
  return z.string().transform((text, ctx): HostPort => {
    const match = HOST_PORT.exec(text.trim());
    const port = match ? Number(match[3]) : NaN;
    if (!match || port > 65_535) {
      ctx.addIssue({ code: 'custom', message: 'expected HOST:PORT, e.g. 127.0.0.1:8080 or 0.0.0.0:0 ([::1]:8080 for IPv6)' });
      return z.NEVER;
    }
    return { host: match[1] ?? match[2]!, port };
  });
}

/** Milliseconds; accepts `30s`, `5m`, `1h30m`, `250ms` or a number of seconds. */
export function duration(options: { minMs?: number } = {}) {
  const minMs = options.minMs ?? 0;
  return z.union([z.string(), z.number()]).transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected a duration such as 30s, 5m, 1h30m or 250ms' });
      return z.NEVER;
    }
    if (ms < minMs) {
      ctx.addIssue({ code: 'custom', message: `expected at least ${minMs}ms` });
      return z.NEVER;
    }
    return ms;
  });
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

export function boolean() {
  return z.union([z.boolean(), z.string()]).transform((value, ctx) => {
    if (typeof value === 'boolean') return value;
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    ctx.addIssue({ code: 'custom', message: 'expected true or false' });
    return z.NEVER;
  });
}

export function integer(options: { min?: number; max?: number } = {}) {
  const min = options.min ?? Number.MIN_SAFE_INTEGER;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  return z.union([z.number(), z.string()]).transform((value, ctx) => {
    const n = typeof value === 'number' ? value : /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `expected a whole number from ${min} to ${max}` });
      return z.NEVER;
    }
    return n;
  });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.string().transform((value, ctx): T[number] => {
    if ((values as readonly string[]).includes(value)) return value as T[number];
    ctx.addIssue({ code: 'custom', message: `expected one of ${values.join(', ')}` });
    return z.NEVER;
  });
}

export function text(options: { minLength?: number } = {}) {
  const minLength = options.minLength ?? 1;
  return z.string().transform((value, ctx) => {
    if (value.length < minLength) {
      ctx.addIssue({ code: 'custom', message: `expected at least ${minLength} characters` });
      return z.NEVER;
    }
    return value;
  });
}

/** An absolute http(s) URL, without a trailing slash so paths can be appended. */
export function httpUrl() {
  return z.string().transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      url = new URL('invalid:');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'expected an http:// or https:// URL' });
      return z.NEVER;
    }
    return url.href.replace(/\/+$/, '');
  });
}
