/**
 * Matrix expansion, as in GitHub Actions:
 * 1. the product of the axes (keys other than include/exclude), first axis outermost;
 * 2. `exclude` entries remove every combination they match on all of their keys (partial match);
 * 3. each `include` entry extends every combination that matches it on all ORIGINAL axis keys it
 *    names with its other keys; an entry that extends nothing is added as a new combination.
 * Identical combinations are kept once. A product far over the limit is refused before anything
 * is built, so a huge matrix costs nothing.
 */
export type MatrixValue = string | number | boolean;
export type Combination = Record<string, MatrixValue>;

export interface MatrixSpec {
  include?: Record<string, MatrixValue>[] | undefined;
  exclude?: Record<string, MatrixValue>[] | undefined;
  [axis: string]: MatrixValue[] | Record<string, MatrixValue>[] | undefined;
}

export type MatrixResult =
  | { ok: true; combinations: Combination[] }
  | { ok: false; reason: 'too-large' | 'empty'; message: string };

export const DEFAULT_MAX_MATRIX = 256;

// Values compare by their text so `node: 20` in an include matches `node: "20"` on an axis.
const same = (a: MatrixValue | undefined, b: MatrixValue | undefined): boolean =>
  a !== undefined && b !== undefined && String(a) === String(b);

function axesOf(spec: MatrixSpec): [string, MatrixValue[]][] {
  return Object.entries(spec).filter(
    (entry): entry is [string, MatrixValue[]] => entry[0] !== 'include' && entry[0] !== 'exclude' && Array.isArray(entry[1]),
  );
}

function product(axes: [string, MatrixValue[]][]): Combination[] {
  let out: Combination[] = [{}];
  for (const [key, values] of axes) {
    const next: Combination[] = [];
    for (const combo of out) for (const value of values) next.push({ ...combo, [key]: value });
    out = next;
  }
  return out;
}

function matches(combo: Combination, entry: Record<string, MatrixValue>, keys: Iterable<string>): boolean {
  for (const key of keys) if (!same(combo[key], entry[key])) return false;
  return true;
}

function applyIncludes(base: Combination[], includes: Record<string, MatrixValue>[], axisKeys: Set<string>): Combination[] {
  const out = base.map((combo) => ({ ...combo }));
  const originals = out.slice();
  for (const entry of includes) {
    const originalKeys = Object.keys(entry).filter((key) => axisKeys.has(key));
    const extraKeys = Object.keys(entry).filter((key) => !axisKeys.has(key));
    let extended = false;
    if (base.length > 0) {
      for (const combo of originals) {
        if (!matches(combo, entry, originalKeys)) continue;
        for (const key of extraKeys) combo[key] = entry[key]!;
        extended = true;
      }
    }
    if (!extended) out.push({ ...entry });
  }
  return out;
}

function dedupe(combinations: Combination[]): Combination[] {
  const seen = new Set<string>();
  return combinations.filter((combo) => {
    const key = JSON.stringify(Object.entries(combo).map(([k, v]) => [k, String(v)]));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function expandMatrix(spec: MatrixSpec, maxMatrix = DEFAULT_MAX_MATRIX): MatrixResult {
  const axes = axesOf(spec);
  const includes = spec.include ?? [];
  const excludes = spec.exclude ?? [];
  let size = 1;
  for (const [, values] of axes) size *= values.length;
  if (axes.length === 0) size = 0;
  // Excludes may bring a large product under the limit, so only a product far beyond it is
  // refused before building; the limit itself applies to the final list.
  if (size > maxMatrix * 16) {
    return { ok: false, reason: 'too-large', message: tooLarge(size, axes, maxMatrix) };
  }
  const base = axes.length === 0 ? [] : product(axes).filter((combo) => !excludes.some((ex) => matches(combo, ex, Object.keys(ex))));
  const combinations = dedupe(applyIncludes(base, includes, new Set(axes.map(([key]) => key))));
  if (combinations.length > maxMatrix) {
    return { ok: false, reason: 'too-large', message: tooLarge(combinations.length, axes, maxMatrix) };
  }
  if (combinations.length === 0) {
    return { ok: false, reason: 'empty', message: 'matrix expands to no combination (an empty axis, or everything is excluded)' };
  }
  return { ok: true, combinations };
}

function tooLarge(size: number, axes: [string, MatrixValue[]][], max: number): string {
  const shape = axes.map(([key, values]) => `${key}: ${values.length}`).join(' × ');
  return `matrix expands to ${size} combinations${shape ? ` (${shape})` : ''}, more than the limit of ${max}`;
}

/** `test (node: 22, os: linux)`: the job key with the combination's values in key order. */
export function instanceId(key: string, combination: Combination): string {
  const parts = Object.entries(combination).map(([k, v]) => `${k}: ${String(v)}`);
  return `${key} (${parts.join(', ')})`;
}
