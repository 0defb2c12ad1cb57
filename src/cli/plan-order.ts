import type { PlanJob } from '../pipeline/index.js';

/**
 * Plan jobs in an order where every job comes after its needs; ties keep file order.
 * Needs outside `jobs` are ignored (they may have been filtered out).
 */
export function topologicalOrder(jobs: readonly PlanJob[]): PlanJob[] {
  const byId = new Map(jobs.map((job) => [job.id, job]));
  const remaining = new Map(jobs.map((job) => [job.id, job.needs.filter((id) => byId.has(id)).length]));
  const dependents = new Map<string, string[]>();
  for (const job of jobs) for (const need of job.needs) if (byId.has(need)) dependents.set(need, [...(dependents.get(need) ?? []), job.id]);
  const out: PlanJob[] = [];
  const done = new Set<string>();
  // Repeatedly take the first ready job in file order: O(n²) at worst, fine for pipeline sizes.
  while (out.length < jobs.length) {
    const next = jobs.find((job) => !done.has(job.id) && remaining.get(job.id) === 0);
    if (!next) break; // a cycle; compile reports it, we just stop
    done.add(next.id);
    out.push(next);
    for (const dep of dependents.get(next.id) ?? []) remaining.set(dep, (remaining.get(dep) ?? 0) - 1);
  }
  for (const job of jobs) if (!done.has(job.id)) out.push(job);
  return out;
}
