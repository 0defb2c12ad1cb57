import type { PlanJob, RetryOn } from '../pipeline/index.js';
import type { JobOutcome } from './executor.js';

/**
 * Whether a finished attempt is tried again, and after how long.
 *
 * Only `failure`/`error` attempts are retried, only when their kind is listed in `retry.on`
 * (an executor that gives no kind: `failure` → 'failure', `error` → 'infrastructure'), only while
 * attempts are left (`retry.max` extra attempts), and never for a job with a `deploy` step: a
 * half-applied deploy must be looked at by a person, not repeated blindly. The delay doubles from
 * `retry.backoffMs` for each further attempt.
 */
export type RetryDecision = { retry: false } | { retry: true; delayMs: number; reason: string };

export function failureKindOf(outcome: JobOutcome): RetryOn | undefined {
  if (outcome.status !== 'failure' && outcome.status !== 'error') return undefined;
  return outcome.failureKind ?? (outcome.status === 'error' ? 'infrastructure' : 'failure');
}

export function decideRetry(job: PlanJob, outcome: JobOutcome, attempt: number): RetryDecision {
  const kind = failureKindOf(outcome);
  if (outcome.noRetry === true) return { retry: false };
  if (kind === undefined || !job.retry.on.includes(kind)) return { retry: false };
  if (attempt > job.retry.max) return { retry: false };
  if (job.steps.some((step) => step.kind === 'deploy')) return { retry: false };
  const delayMs = Math.max(0, job.retry.backoffMs) * 2 ** (attempt - 1);
  const why = outcome.reason ? `: ${outcome.reason}` : '';
  return { retry: true, delayMs, reason: `attempt ${attempt} ended ${outcome.status} (${kind})${why}` };
}
