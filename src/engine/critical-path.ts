import type { PlanJob } from '../pipeline/index.js';

/**
 * The job graph as arrays indexed by file position, plus each job's critical-path priority: its
 * own estimate plus the longest chain of estimates among the jobs that (transitively) depend on
 * it. Starting the ready job with the highest priority first is the classic list-scheduling rule
 * that keeps the makespan close to max(critical path, total work / parallel).
 */
export interface JobGraph {
  /** needs[i] = file indexes of job i's needs (unknown ids are left out and listed in `unknownNeeds`). */
  needs: number[][];
  /** dependents[i] = file indexes of the jobs that need job i. */
  dependents: number[][];
  /** Jobs that take part in (or wait behind) a cycle of needs: they can never become ready. */
  blocked: Set<number>;
  /** Per job, need ids that name no job of the plan. */
  unknownNeeds: Map<number, string[]>;
  /** Estimated duration (ms) per job; 0 for jobs compile already skipped. */
  estimates: number[];
  /** Critical-path priority per job (ms): higher starts first. */
  priority: number[];
}

export function buildJobGraph(jobs: readonly PlanJob[], estimates?: ReadonlyMap<string, number>): JobGraph {
  const indexOf = new Map<string, number>();
  jobs.forEach((job, i) => indexOf.set(job.id, i));
  const needs: number[][] = jobs.map(() => []);
  const dependents: number[][] = jobs.map(() => []);
  const unknownNeeds = new Map<number, string[]>();
  jobs.forEach((job, i) => {
    for (const id of new Set(job.needs)) {
      const need = indexOf.get(id);
      if (need === undefined) unknownNeeds.set(i, [...(unknownNeeds.get(i) ?? []), id]);
      else {
        needs[i]!.push(need);
        dependents[need]!.push(i);
      }
    }
  });
  const order = topologicalOrder(needs, dependents);
  const blocked = new Set<number>();
  if (order.length < jobs.length) {
    const ordered = new Set(order);
    jobs.forEach((_, i) => (ordered.has(i) ? undefined : blocked.add(i)));
  }
  const est = estimateAll(jobs, estimates);
  const priority = new Array<number>(jobs.length).fill(0);
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k]!;
    let longest = 0;
    for (const d of dependents[i]!) longest = Math.max(longest, priority[d]!);
    priority[i] = est[i]! + longest;
  }
  return { needs, dependents, blocked, unknownNeeds, estimates: est, priority };
}

/** Kahn's algorithm; jobs on or behind a cycle are missing from the result. */
function topologicalOrder(needs: number[][], dependents: number[][]): number[] {
  const pending = needs.map((n) => n.length);
  const order: number[] = [];
  pending.forEach((count, i) => (count === 0 ? order.push(i) : undefined));
  for (let k = 0; k < order.length; k++) {
    for (const d of dependents[order[k]!]!) {
      pending[d]!--;
      if (pending[d] === 0) order.push(d);
    }
  }
  return order;
}

/**
 * Known estimates as given; unknown jobs get the median of the known ones (a typical job, not an
 * outlier), or 1 ms when nothing is known so that priority still counts path length in jobs.
 */
function estimateAll(jobs: readonly PlanJob[], estimates?: ReadonlyMap<string, number>): number[] {
  const known: number[] = [];
  for (const job of jobs) {
    const value = estimates?.get(job.id);
    if (value !== undefined && Number.isFinite(value) && value >= 0) known.push(value);
  }
  const fallback = known.length === 0 ? 1 : median(known);
  return jobs.map((job) => {
    if (job.skip) return 0;
    const value = estimates?.get(job.id);
    return value !== undefined && Number.isFinite(value) && value >= 0 ? value : fallback;
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
