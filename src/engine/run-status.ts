import type { Status } from '../core/index.js';
import type { EndedJob } from './needs-context.js';

/**
 * The status of a whole run from its ended jobs.
 *
 * - `canceled` when the run was canceled (options.signal), whatever the jobs did, with the cancel reason.
 * - Otherwise failure/error of `continue_on_error` jobs is ignored, and skipped jobs are fine.
 * - `failure` wins over `error`: when a user's command failed, that is what the person must fix
 *   first, and an infrastructure error elsewhere is often a consequence (or retried next run).
 * - `error` when some job ended in error and none failed; `canceled` when a job ended canceled on
 *   its own (no fail-fast, no run cancel — e.g. an executor's own time limit); else `success`.
 */
export function runStatus(jobs: readonly EndedJob[], canceled: boolean, cancelReason = 'run canceled'): { status: Status; reason?: string } {
  if (canceled) return { status: 'canceled', reason: cancelReason };
  for (const status of ['failure', 'error', 'canceled'] as const) {
    const culprit = jobs.find((ended) => ended.status === status && !(ended.job.continueOnError && status !== 'canceled'));
    if (culprit) return { status, reason: `'${culprit.job.id}' ${describe(status)}` };
  }
  return { status: 'success' };
}

function describe(status: 'failure' | 'error' | 'canceled'): string {
  return status === 'failure' ? 'failed' : status === 'error' ? 'ended in error' : 'was canceled';
}
