import type { PlanJob } from '../plan.js';
import { COMPILE_CODES, type DiagnosticSink } from './codes.js';
import { suggestion } from '../suggest.js';

/**
 * `gantry exec --job NAME`: the named jobs (by key, which selects every matrix instance, or by
 * plan id) and everything they transitively need. Returns the selected plan ids; unknown names
 * are errors with a "did you mean" over the job keys.
 */
export function selectJobs(jobs: readonly PlanJob[], only: readonly string[], sink: DiagnosticSink): Set<string> {
  const keys = [...new Set(jobs.map((job) => job.key))];
  const byId = new Map(jobs.map((job) => [job.id, job]));
  const pending: string[] = [];
  for (const name of only) {
    const named = jobs.filter((job) => job.key === name || job.id === name);
    if (named.length === 0) {
      sink.error(COMPILE_CODES.UNKNOWN_JOB, `no job named '${name}'`, ['jobs'], suggestion(name, keys, 'jobs'));
    }
    pending.push(...named.map((job) => job.id));
  }
  const selected = new Set<string>();
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (selected.has(id)) continue;
    selected.add(id);
    pending.push(...(byId.get(id)?.needs ?? []));
  }
  return selected;
}
