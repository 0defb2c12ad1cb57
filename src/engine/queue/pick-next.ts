/**
 * The queue policy, as a PURE function of what waits, the time and what runs: which candidate goes
 * next, and a human-readable reason for every one that keeps waiting. Used twice: for jobs (which
 * ready job an agent leases) and for runs (which queued run starts, under run limits).
 *
 * Order (first difference wins):
 *  1. effective priority, higher first = priority class + ⌊wait / agingStepMs⌋ (aging);
 *  2. the project's own priority setting, higher first;
 *  3. fair share: the project with fewer running items first;
 *  4. the older run first (run id), then inside one run the engine's critical-path rank, then arrival.
 * Candidates over a limit (global, per project) or whose labels the asking agent lacks are passed
 * over, not waited for: the next eligible one goes (no head-of-line blocking).
 *
 * Bounded wait: classes are 0..MAX_CLASS (3). A candidate of class c that arrived at t0 has, at any
 * time, a strictly higher effective priority than every candidate that arrived at or after
 * t0 + (MAX_CLASS − c + 1)·agingStepMs — so it is passed only by candidates that were already waiting
 * or arrived inside that window, a finite set. With one slot freeing every D ms and N such
 * candidates, it is picked within (N + 1)·D (fair share and limits aside, which only reorder among
 * equal effective priority or skip ineligible candidates).
 */

export interface QueueCandidate {
  /** Unique; the key of `reasons`. */
  key: string;
  projectId: number;
  /** Priority class (PRIORITY_CLASSES), higher first. */
  priorityClass: number;
  /** The project's priority setting (higher first inside an effective level). */
  projectPriority: number;
  /** Epoch ms when it started waiting (aging counts from here). */
  enqueuedAt: number;
  /** Older runs first among equals: the run id. */
  runOrder: number;
  /** Critical-path priority inside its run, higher first. */
  rank: number;
  /** Arrival order, the last tie-break. */
  seq: number;
  /** Agent labels it needs (`runs_on`); empty = any agent. */
  labels: readonly string[];
}

export interface RunningCounts {
  total: number;
  byProject: ReadonlyMap<number, number>;
}

export interface QueuePolicy {
  /** Wait that raises the effective priority by one class. */
  agingStepMs: number;
  /** null/undefined = no limit. */
  globalLimit?: number | null;
  projectLimit?: (projectId: number) => number | null | undefined;
  /** Labels of the agent asking for work; undefined = nobody asks, only reasons are computed. */
  agentLabels?: readonly string[];
  /** Label sets of the agents the server knows; undefined = don't check ("no agent with labels"). */
  knownAgents?: readonly (readonly string[])[];
  /** How reasons name the items: "3 higher-priority jobs ahead". Default 'job'. */
  noun?: 'job' | 'run';
}

export interface PickResult<T> {
  next: T | undefined;
  /** For every candidate except `next`. */
  reasons: Map<string, string>;
}

export const MAX_CLASS = 3;

export function effectivePriority(candidate: QueueCandidate, now: number, agingStepMs: number): number {
  const waited = Math.max(0, now - candidate.enqueuedAt);
  return candidate.priorityClass + Math.floor(waited / Math.max(1, agingStepMs));
}

export function pickNext<T extends QueueCandidate>(ready: readonly T[], now: number, running: RunningCounts, policy: QueuePolicy): PickResult<T> {
  const noun = policy.noun ?? 'job';
  const effective = new Map(ready.map((c) => [c, effectivePriority(c, now, policy.agingStepMs)]));
  const runningIn = (projectId: number) => running.byProject.get(projectId) ?? 0;
  const sorted = [...ready].sort(
    (a, b) =>
      effective.get(b)! - effective.get(a)! ||
      b.projectPriority - a.projectPriority ||
      runningIn(a.projectId) - runningIn(b.projectId) ||
      a.runOrder - b.runOrder ||
      b.rank - a.rank ||
      a.seq - b.seq,
  );
  const reasons = new Map<string, string>();
  let next: T | undefined;
  let ahead = 0;
  for (const candidate of sorted) {
    const blocked = blockedBy(candidate, running, policy);
    if (blocked !== undefined) {
      reasons.set(candidate.key, blocked);
      continue;
    }
    if (next === undefined && policy.agentLabels !== undefined && hasLabels(policy.agentLabels, candidate.labels)) {
      next = candidate;
      ahead++;
      continue;
    }
    reasons.set(candidate.key, ahead > 0 ? `${ahead} higher-priority ${noun}${ahead === 1 ? '' : 's'} ahead` : idleReason(candidate, noun));
    ahead++;
  }
  return { next, reasons };
}

function blockedBy(candidate: QueueCandidate, running: RunningCounts, policy: QueuePolicy): string | undefined {
  if (policy.knownAgents !== undefined && !policy.knownAgents.some((agent) => hasLabels(agent, candidate.labels))) {
    return candidate.labels.length > 0 ? `no agent with labels [${candidate.labels.join(', ')}]` : 'no agent connected';
  }
  const global = policy.globalLimit;
  if (global !== null && global !== undefined && running.total >= global) return `global limit ${global} reached`;
  const limit = policy.projectLimit?.(candidate.projectId);
  if (limit !== null && limit !== undefined && (running.byProject.get(candidate.projectId) ?? 0) >= limit) {
    return `project limit ${limit} reached`;
  }
  return undefined;
}

function idleReason(candidate: QueueCandidate, noun: 'job' | 'run'): string {
  if (noun === 'run') return 'next to start';
  return candidate.labels.length > 0 ? `waiting for a free agent with labels [${candidate.labels.join(', ')}]` : 'waiting for a free agent';
}

export function hasLabels(offered: readonly string[], wanted: readonly string[]): boolean {
  return wanted.every((label) => offered.includes(label));
}
