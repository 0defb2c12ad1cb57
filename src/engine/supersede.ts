import type { Run, RunStore } from '../store/index.js';

/** Event kinds whose runs a newer run on the same branch supersedes. */
const SUPERSEDABLE = new Set(['push', 'pull_request']);

/**
 * Runs that `run` supersedes when its project has `settings.autoCancel`: older (lower number)
 * runs of the same project, event kind and branch (for pull requests the head branch) that are
 * still queued, waiting or running. A retry never supersedes anything: it re-runs an older commit
 * on purpose and must not cancel the newer work on its branch.
 */
export async function supersededBy(runs: RunStore, run: Run): Promise<Run[]> {
  if (!SUPERSEDABLE.has(run.eventName) || run.branch === null || (run.trigger.retryOf ?? null) !== null) return [];
  const page = await runs.list(run.projectId, {
    branch: run.branch,
    event: run.eventName,
    status: ['queued', 'waiting', 'running'],
    before: run.number,
    limit: 500,
  });
  return page.runs;
}

export const supersededReason = (run: Run): string => `superseded by run #${run.number}`;
