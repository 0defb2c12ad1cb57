import type { Clock, RunEventInput, Status } from '../core/index.js';
import type { JobResultSummary, PlanJob } from '../pipeline/index.js';
import type { JobExecutor, JobOutcome } from './executor.js';
import { decideRetry } from './retry-policy.js';

/** How a job ended, as the run records it. */
export interface Ending {
  status: Status;
  reason?: string | undefined;
  outputs?: Record<string, string>;
}

export interface AttemptsContext {
  job: PlanJob;
  executor: JobExecutor;
  clock: Clock;
  /** The job's own signal: fail-fast or run cancel aborts it. */
  signal: AbortSignal;
  needs: Record<string, JobResultSummary>;
  /** Attempt number to start at (default 1); a resumed run continues after a lost attempt. */
  firstAttempt?: number;
  emit(event: RunEventInput): void;
  onAttempt(attempt: number): void;
  /** True once the run is failing fast or canceled: no further attempt is started. */
  stopRetrying(): boolean;
  /** Why the signal was aborted (recorded as the canceled job's reason). */
  abortReason(): string | undefined;
}

/**
 * One job's attempts: `job:started` → executor → (retry policy says so) `job:retrying` + backoff
 * sleep on the clock → `job:started` with the next attempt number … until an attempt is final.
 * An attempt that ends while the job's signal is aborted is `canceled` (unless it succeeded
 * anyway). Never rejects: executor faults become `error` outcomes.
 */
export async function runAttempts(ctx: AttemptsContext): Promise<Ending> {
  const { job, signal } = ctx;
  for (let attempt = Math.max(1, ctx.firstAttempt ?? 1); ; attempt++) {
    ctx.onAttempt(attempt);
    ctx.emit({ type: 'job:started', job: job.id, attempt });
    const outcome = await runAttempt(ctx, { attempt, needs: copyNeeds(ctx.needs), report: ctx.emit });
    if (signal.aborted && outcome.status !== 'success') return { status: 'canceled', reason: ctx.abortReason(), outputs: outcome.outputs };
    const retry = decideRetry(job, outcome, attempt);
    if (!retry.retry || ctx.stopRetrying()) return outcome;
    ctx.emit({ type: 'job:retrying', job: job.id, attempt: attempt + 1, delayMs: retry.delayMs, reason: retry.reason });
    try {
      await ctx.clock.sleep(retry.delayMs, signal);
    } catch {
      return { status: 'canceled', reason: ctx.abortReason() ?? 'canceled during retry backoff' };
    }
  }
}

/** One executor call; a rejection or a malformed answer becomes an `error` outcome. */
async function runAttempt(ctx: AttemptsContext, input: Parameters<JobExecutor['runJob']>[1]): Promise<JobOutcome> {
  const { job } = ctx;
  try {
    const outcome = await ctx.executor.runJob(job, input, ctx.signal);
    if (!outcome || !['success', 'failure', 'canceled', 'error'].includes(outcome.status)) {
      return { status: 'error', failureKind: 'infrastructure', outputs: {}, reason: `executor returned an invalid outcome for '${job.id}'` };
    }
    return { ...outcome, outputs: { ...(outcome.outputs ?? {}) } };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { status: 'error', failureKind: 'infrastructure', outputs: {}, reason: `executor failed: ${message}` };
  }
}

/** Each attempt gets its own copy, so an executor that mutates its input cannot affect the next. */
function copyNeeds(needs: Record<string, JobResultSummary>): Record<string, JobResultSummary> {
  const copy: Record<string, JobResultSummary> = {};
  for (const [key, summary] of Object.entries(needs)) copy[key] = { result: summary.result, outputs: { ...summary.outputs } };
  return copy;
}
