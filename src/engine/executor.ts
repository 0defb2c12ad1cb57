import type { Status } from '../core/index.js';
import type { JobResultSummary, PlanJob } from '../pipeline/index.js';
import type { RunEventInput } from '../core/index.js';

/**
 * How the engine runs one attempt of one job. `gantry exec` wires the local runner in; the server
 * will wire "lease to an agent".
 *
 * Call order: the engine calls `runJob` once per attempt, only after every need has finished and
 * the job's condition held. Concurrency: up to `parallel` calls are in flight at once, for
 * different jobs. Cancellation: when `signal` aborts (fail-fast, Ctrl-C, run timeout) the executor
 * stops the job's processes and resolves with status `canceled`; it should still run steps whose
 * condition is `always()`/`cancelled()`. Errors: a failing command resolves `failure`; a fault of
 * the system (cannot spawn, workspace unwritable) resolves `error` with a reason, or rejects, which
 * the engine records as `error`.
 */
export interface JobExecutor {
  runJob(job: PlanJob, input: JobInput, signal: AbortSignal): Promise<JobOutcome>;
}

export interface JobInput {
  attempt: number;
  /** Results of needed jobs by job *key* (matrix instances merged), for `needs.<key>.*`. */
  needs: Record<string, JobResultSummary>;
  /** Report step events and log lines; the engine stamps seq/ts and forwards them. */
  report(event: RunEventInput): void;
}

export interface JobOutcome {
  status: Extract<Status, 'success' | 'failure' | 'canceled' | 'error'>;
  outputs: Record<string, string>;
  /** For retry policy: why the attempt failed. */
  failureKind?: 'failure' | 'timeout' | 'infrastructure';
  /** A person decided (a rejected approval): never retried, whatever the retry policy says. */
  noRetry?: boolean;
  reason?: string;
}
