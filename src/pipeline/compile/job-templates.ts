import type { PlanJob } from '../plan.js';
import { COMPILE_CODES, type DiagnosticSink } from './codes.js';
import { compileTemplate, type CompileScope } from './expressions.js';

/**
 * Fields the scheduler and backends need as plain values before a job starts — `image`,
 * `environment` (protection rules are looked up by name) and `runsOn` (agent labels) — are
 * evaluated now when they only use compile-time contexts (typically `matrix` or `inputs`).
 * Anything else (env, outputs, step `with`) stays a template for run time.
 */
export function resolveJobTemplates(job: PlanJob, scope: CompileScope, sink: DiagnosticSink): void {
  const now = (text: string, path: (string | number)[]): string => {
    const result = compileTemplate(text, scope);
    if (result.ok) return result.value;
    sink.error(COMPILE_CODES.EXPRESSION_FAILED, `job '${job.id}': ${result.message}`, ['jobs', job.key, ...path], result.hint);
    return text;
  };
  if (job.image !== undefined) job.image = now(job.image, ['image']);
  if (job.environment !== undefined) job.environment = now(job.environment, ['environment']);
  job.runsOn = job.runsOn.map((label, index) => now(label, ['runs_on', index]));
}
