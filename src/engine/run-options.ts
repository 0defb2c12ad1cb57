import type { Clock, RunEvent, Status } from '../core/index.js';
import type { JobExecutor } from './executor.js';

export type JobOrder = 'critical-path' | 'file';

export interface RunOptions {
  executor: JobExecutor;
  /** Most jobs in flight at once (≥ 1). A job waiting out a retry backoff keeps its slot. */
  parallel: number;
  /**
   * Receives every event of the run in order, synchronously, with `seq` strictly increasing.
   * It must not throw; if it does, the run still completes and `runPlan` then rejects with the
   * first such error.
   */
  onEvent(event: RunEvent): void;
  /** Aborting cancels the run (Ctrl-C): running jobs are aborted, jobs not started are skipped. */
  signal?: AbortSignal;
  clock?: Clock;
  /** Expected duration per job id (ms), e.g. from earlier runs; drives critical-path ordering. */
  estimates?: ReadonlyMap<string, number>;
  /** Which ready job starts first. Default 'critical-path'; 'file' (plan order) is for comparison. */
  order?: JobOrder;
  /**
   * Continue a run that was interrupted (server restart): jobs in `ended` keep their result and
   * are neither run again nor announced again (no job events); the others run as usual, starting
   * at `nextAttempt` (default 1).
   */
  resume?: RunResume;
}

export interface RunResume {
  /** Jobs that had already ended, by plan job id. */
  ended: ReadonlyMap<string, ResumedJob>;
  /** First attempt number for a job that has not ended, e.g. n + 1 after attempt n was lost. */
  nextAttempt?: ReadonlyMap<string, number>;
}

export interface ResumedJob {
  status: Status;
  reason?: string;
  attempts: number;
  outputs: Record<string, string>;
}

export interface JobResult {
  status: Status;
  reason?: string;
  /** Attempts started (0 when the job never ran). */
  attempts: number;
  /** From the first `job:started` to `job:finished`, retries and backoff included. */
  durationMs: number;
  outputs: Record<string, string>;
}

/**
 * Told how the run service's jobs fare, for metrics (the server's Prometheus endpoint). Called
 * synchronously on the engine's path: must be quick; a throw is ignored.
 */
export interface RunObserver {
  /** An attempt left the queue for an agent, `waitMs` after it was queued. */
  jobLeased?(waitMs: number): void;
  /** An attempt an agent held ended: its outcome and how long it ran from the lease (queue wait excluded). */
  attemptEnded?(status: Status, durationMs: number): void;
}

export interface RunResult {
  status: Status;
  reason?: string;
  durationMs: number;
  /** By plan job id, every job of the plan. */
  jobs: Record<string, JobResult>;
}
