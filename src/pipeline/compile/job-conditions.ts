import type { PlanJob } from '../plan.js';
import type { JobSpec } from '../schema.js';
import { COMPILE_CODES, type DiagnosticSink } from './codes.js';
import { compileCondition, unwrapExpression, type CompileScope } from './expressions.js';

/**
 * A job's `if`. Compile-time expressions are decided now: true leaves the default (`success()`
 * of the needs), false marks the job skipped with the expression in the reason. Expressions that
 * read run-time values are kept, unwrapped, as `condition` for the engine. A job skipped for
 * another reason still gets its `condition` so `gantry plan` shows it.
 */
export function applyCondition(job: PlanJob, spec: JobSpec, scope: CompileScope, sink: DiagnosticSink): void {
  if (spec.if === undefined) return;
  const result = compileCondition(spec.if, scope);
  switch (result.kind) {
    case 'value':
      if (!result.value && !job.skip) {
        const source = typeof spec.if === 'boolean' ? String(spec.if) : unwrapExpression(spec.if);
        job.skip = { reason: `if: ${source} was false` };
      }
      return;
    case 'deferred':
      job.condition = result.source;
      return;
    case 'error':
      sink.error(COMPILE_CODES.EXPRESSION_FAILED, `job '${job.id}': ${result.message}`, ['jobs', job.key, 'if'], result.hint);
  }
}

/**
 * A job with the default condition cannot run when one of its needs will not: mark it now, so
 * `gantry plan` tells the whole story. Jobs with their own `condition` (say `always()`) are left
 * for the engine. Repeats until nothing changes, so chains of any length (in any file order) are
 * covered; each pass marks at least one job, so it ends.
 */
export function propagateSkips(jobs: readonly PlanJob[]): void {
  const byId = new Map(jobs.map((job) => [job.id, job]));
  let changed = true;
  while (changed) {
    changed = false;
    for (const job of jobs) {
      if (job.skip || job.condition !== undefined) continue;
      const skippedNeed = job.needs.find((id) => byId.get(id)?.skip !== undefined);
      if (skippedNeed !== undefined) {
        job.skip = { reason: `needs '${skippedNeed}' will not run` };
        changed = true;
      }
    }
  }
}
