import { availableParallelism } from 'node:os';
import { GantryError, parseSize } from '../core/index.js';

export function parseParallel(text: string | undefined): number {
  if (text === undefined) return Math.max(1, availableParallelism());
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new GantryError('CONFIG_INVALID', `--parallel expects a whole number ≥ 1, got "${text}"`);
  return n;
}

/** `--cache-max-size`: bytes, from a size such as 500m or 2g (undefined: the local storage's 2 GiB). */
export function parseCacheMaxSize(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const bytes = parseSize(text);
  if (bytes === undefined) throw new GantryError('CONFIG_INVALID', `--cache-max-size expects a size such as 500m or 2g, got "${text}"`);
  return bytes;
}

/** A `--env` value is data, not a template: quote it so `${{` in it stays text. */
export function literalTemplate(value: string): string {
  return value.includes('${{') ? `\${{ '${value.replace(/'/g, "''")}' }}` : value;
}
