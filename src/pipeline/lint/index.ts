/**
 * Semantic checks of a pipeline file, after YAML parsing and schema validation. Each check is a
 * small pure function over the plain document (which may still be invalid: checks look
 * defensively) that reports problems; `lintPipeline` runs them all and collects everything.
 */
import type { LintCheck, LintContext, Problem } from './context.js';
import { checkDurations } from './durations.js';
import { checkExpressions } from './expressions.js';
import { checkInputs } from './inputs.js';
import { checkMatrix } from './matrix.js';
import { checkNeeds } from './needs.js';
import { checkServiceNames } from './service-names.js';
import { checkSteps } from './steps.js';
import { checkTriggers } from './triggers.js';
import type { YamlPositions } from '../yaml-positions.js';

export type { Anchor, LintCheck, LintContext, Problem } from './context.js';
export { toDiagnostic } from './context.js';
export { schemaProblems, type Issue } from './schema-issues.js';
export { duplicateKeyProblems } from './duplicate-keys.js';
export { matrixSize, MAX_MATRIX_JOBS } from './matrix.js';

export const LINT_CHECKS: readonly LintCheck[] = [checkNeeds, checkSteps, checkDurations, checkTriggers, checkInputs, checkMatrix, checkExpressions, checkServiceNames];

export function lintPipeline(root: unknown, positions: YamlPositions): Problem[] {
  const problems: Problem[] = [];
  const ctx: LintContext = { root, positions, report: (p) => problems.push(p) };
  for (const check of LINT_CHECKS) check(ctx);
  return problems;
}
