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

export interface RunResult {
  status: Status;
  reason?: string;
  durationMs: number;
  /** By plan job id, every job of the plan. */
  jobs: Record<string, JobResult>;
}
