import { GantryError } from '../core/index.js';

/** Parses repeated `K=V` flags (`--env`, `--input`, `--secret`); the value may contain `=`. */
export function parseKeyValues(flag: string, items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    const key = eq < 0 ? '' : item.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) {
      throw new GantryError('CONFIG_INVALID', `${flag} expects KEY=VALUE, got "${item}"`, {
        details: { flag, value: item },
      });
    }
    out[key] = item.slice(eq + 1);
  }
  return out;
}

/** Commander collector for repeatable options. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
