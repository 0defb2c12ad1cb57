import { availableParallelism } from 'node:os';
import { GantryError } from '../core/index.js';

export function parseParallel(text: string | undefined): number {
  if (text === undefined) return Math.max(1, availableParallelism());
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new GantryError('CONFIG_INVALID', `--parallel expects a whole number ≥ 1, got "${text}"`);
  return n;
}

/** A `--env` value is data, not a template: quote it so `${{` in it stays text. */
export function literalTemplate(value: string): string {
  return value.includes('${{') ? `\${{ '${value.replace(/'/g, "''")}' }}` : value;
}
