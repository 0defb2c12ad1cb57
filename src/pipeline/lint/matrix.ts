import { asArray, isRecord, jobsOf, type LintContext } from './context.js';

export const MAX_MATRIX_JOBS = 256;
/** Beyond this many raw combinations we stop enumerating: no exclude list brings it back sensibly. */
const ENUMERATION_CAP = 100_000;

type Combo = Record<string, unknown>;

const matches = (combo: Combo, pattern: Combo): boolean => Object.entries(pattern).every(([k, v]) => combo[k] === v);

/**
 * Counts the jobs a matrix expands to: the product of its axes, minus `exclude` matches, plus each
 * `include` entry that matches no combination (GitHub Actions semantics). Returns undefined when
 * the raw product is beyond the enumeration cap.
 */
export function matrixSize(matrix: Record<string, unknown>): number | undefined {
  const axes = Object.entries(matrix).filter(([k, v]) => k !== 'include' && k !== 'exclude' && Array.isArray(v)) as [string, unknown[]][];
  const includes = asArray(matrix.include).filter(isRecord);
  const excludes = asArray(matrix.exclude).filter(isRecord);
  let product = axes.length === 0 ? 0 : 1;
  for (const [, values] of axes) product *= values.length;
  if (product > ENUMERATION_CAP) return undefined;
  let combos: Combo[] = product === 0 ? [] : [{}];
  for (const [axis, values] of axes) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [axis]: v })));
  const kept = combos.filter((c) => !excludes.some((e) => matches(c, e)));
  const axisNames = new Set(axes.map(([k]) => k));
  const added = includes.filter((inc) => {
    const onAxes = Object.fromEntries(Object.entries(inc).filter(([k]) => axisNames.has(k)));
    return Object.keys(onAxes).length === 0 ? kept.length === 0 : !kept.some((c) => matches(c, onAxes));
  }).length;
  return kept.length + added;
}

/** A matrix must expand to at least one and at most MAX_MATRIX_JOBS jobs. */
export function checkMatrix(ctx: LintContext): void {
  for (const [name, job] of jobsOf(ctx.root)) {
    if (!isRecord(job.matrix)) continue;
    const size = matrixSize(job.matrix);
    const path = ['jobs', name, 'matrix'];
    if (size === undefined || size > MAX_MATRIX_JOBS) {
      ctx.report({
        code: 'PIPELINE_MATRIX_TOO_LARGE',
        path,
        message: `the matrix of job '${name}' expands to ${size ?? `more than ${ENUMERATION_CAP}`} jobs; the limit is ${MAX_MATRIX_JOBS}`,
        hint: 'split the job, drop axis values, or use exclude',
      });
    } else if (size === 0) {
      ctx.report({
        code: 'PIPELINE_MATRIX_EMPTY',
        path,
        message: `the matrix of job '${name}' expands to no job at all`,
        hint: 'every axis needs at least one value, and exclude must leave at least one combination',
      });
    }
  }
}
