import type { Status } from '../core/index.js';
import type { PlanJob } from '../pipeline/index.js';
import type { EndedJob } from './needs-context.js';

/** What the run state machine (run-plan.ts) knows about one job while the run goes on. */
export interface JobState {
  readonly job: PlanJob;
  readonly index: number;
  phase: 'pending' | 'queued' | 'running' | 'ended';
  pendingNeeds: number;
  status: Status;
  reason: string | undefined;
  attempts: number;
  startedAt: number | undefined;
  durationMs: number;
  outputs: Record<string, string>;
  controller: AbortController | undefined;
  abortReason: string | undefined;
  /** This job or a transitive need ended failure/error (effective result). */
  failedUpTo: boolean;
  /** Same, canceled included. */
  troubledUpTo: boolean;
}

export function newJobState(job: PlanJob, index: number, pendingNeeds: number): JobState {
  return {
    job,
    index,
    phase: 'pending',
    pendingNeeds,
    status: 'queued',
    reason: undefined,
    attempts: 0,
    startedAt: undefined,
    durationMs: 0,
    outputs: {},
    controller: undefined,
    abortReason: undefined,
    failedUpTo: false,
    troubledUpTo: false,
  };
}

export function endedOf(state: JobState): EndedJob {
  return { job: state.job, status: state.status, outputs: state.outputs };
}

