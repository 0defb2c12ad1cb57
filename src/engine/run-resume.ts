import { isFinal } from '../core/index.js';
import type { Plan } from '../pipeline/index.js';
import type { JobRecord } from '../store/index.js';
import { decideRetry } from './retry-policy.js';
import type { ResumedJob, RunResume } from './run-options.js';

export const LOST_REASON = 'agent lost: the server stopped while the job was running';

export interface LostJob {
  jobId: string;
  /** The attempt that was running when the server stopped. */
  attempt: number;
  /** true: ends `error` (its retry policy says no); false: runs again as attempt + 1. */
  final: boolean;
}

/**
 * How a run continues after the server stopped (crash or shutdown), from its stored jobs:
 * - a final job keeps its result (not run again);
 * - a job stored `running` lost its agent with the server: that attempt counts as an
 *   infrastructure error, and the job's retry policy decides — run again as the next attempt, or
 *   end `error` with LOST_REASON (a job with a deploy step never runs again by itself);
 * - a job stored `queued` with attempt n ≥ 1 (waiting for an agent, or for a retry) starts at n;
 * - anything else starts fresh.
 */
export function resumeFrom(plan: Plan, stored: readonly JobRecord[]): { resume: RunResume; lost: LostJob[] } {
  const byId = new Map(stored.map((record) => [record.jobId, record]));
  const ended = new Map<string, ResumedJob>();
  const nextAttempt = new Map<string, number>();
  const lost: LostJob[] = [];
  for (const job of plan.jobs) {
    const record = byId.get(job.id);
    if (!record) continue;
    if (isFinal(record.status)) {
      ended.set(job.id, { status: record.status, ...(record.reason === null ? {} : { reason: record.reason }), attempts: record.attempt, outputs: { ...record.outputs } });
    } else if (record.status === 'running') {
      const attempt = Math.max(1, record.attempt);
      const retry = decideRetry(job, { status: 'error', failureKind: 'infrastructure', outputs: {}, reason: 'agent lost' }, attempt);
      if (retry.retry) {
        nextAttempt.set(job.id, attempt + 1);
        lost.push({ jobId: job.id, attempt, final: false });
      } else {
        ended.set(job.id, { status: 'error', reason: LOST_REASON, attempts: attempt, outputs: {} });
        lost.push({ jobId: job.id, attempt, final: true });
      }
    } else if (record.attempt >= 1) nextAttempt.set(job.id, record.attempt);
  }
  return { resume: { ended, nextAttempt }, lost };
}
