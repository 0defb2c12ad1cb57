import type { PlanJob } from '../plan.js';
import type { JobSpec } from '../schema.js';
import { COMPILE_CODES, type DiagnosticSink } from './codes.js';
import { suggestion } from '../suggest.js';

/**
 * `needs` as plan job ids: a string or a list of job keys, where needing a matrix job means
 * needing every one of its instances. Lint already rejects unknown names and cycles; compile
 * checks again because a plan with either would never finish.
 */
export function resolveNeeds(job: PlanJob, spec: JobSpec, idsByKey: ReadonlyMap<string, readonly string[]>, sink: DiagnosticSink): string[] {
  const written = spec.needs === undefined ? [] : typeof spec.needs === 'string' ? [spec.needs] : spec.needs;
  const out: string[] = [];
  written.forEach((key, index) => {
    const ids = idsByKey.get(key);
    if (!ids) {
      const path = typeof spec.needs === 'string' ? ['jobs', job.key, 'needs'] : ['jobs', job.key, 'needs', index];
      sink.error(COMPILE_CODES.UNKNOWN_NEED, `job '${job.key}' needs unknown job '${key}'`, path, suggestion(key, [...idsByKey.keys()], 'jobs'));
      return;
    }
    for (const id of ids) if (!out.includes(id)) out.push(id);
  });
  return out;
}

/** The first cycle among plan jobs, as ids in order (first id repeated at the end), if any. */
export function findCycle(jobs: readonly PlanJob[]): string[] | undefined {
  const byId = new Map(jobs.map((job) => [job.id, job]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const seen = state.get(id);
    if (seen === 'done') return undefined;
    if (seen === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const need of byId.get(id)?.needs ?? []) {
      const cycle = visit(need);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const job of jobs) {
    const cycle = visit(job.id);
    if (cycle) return cycle;
  }
  return undefined;
}
