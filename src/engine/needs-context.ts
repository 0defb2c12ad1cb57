import type { Status } from '../core/index.js';
import type { JobResultSummary, PlanJob } from '../pipeline/index.js';

/** What the engine knows about a job that has ended. */
export interface EndedJob {
  job: PlanJob;
  status: Status;
  outputs: Record<string, string>;
}

/**
 * The result later jobs see. A failed `continue_on_error` job counts as `success` for its
 * dependents (default condition, `success()`, `needs.<key>.result`): that is what the flag means.
 */
export function effectiveResult(ended: EndedJob): Status {
  if (ended.job.continueOnError && (ended.status === 'failure' || ended.status === 'error')) return 'success';
  return ended.status;
}

// Worst first: a matrix with any failing instance reports failure.
const SEVERITY: Status[] = ['failure', 'error', 'canceled', 'skipped', 'success'];

export function worstResult(results: readonly Status[]): Status {
  let worst: Status = 'success';
  for (const result of results) {
    const rank = SEVERITY.indexOf(result);
    if (rank !== -1 && rank < SEVERITY.indexOf(worst)) worst = result;
  }
  return worst;
}

/**
 * `needs` by job *key*: the instances of a matrix job merge into one entry whose result is the
 * worst of theirs and whose outputs are merged in file order (a later instance's value wins).
 */
export function buildNeedsContext(needs: readonly EndedJob[]): Record<string, JobResultSummary> {
  const grouped = new Map<string, EndedJob[]>();
  for (const need of needs) grouped.set(need.job.key, [...(grouped.get(need.job.key) ?? []), need]);
  const context: Record<string, JobResultSummary> = {};
  for (const [key, instances] of grouped) {
    context[key] = {
      result: worstResult(instances.map(effectiveResult)),
      outputs: Object.assign({}, ...instances.map((instance) => instance.outputs)) as Record<string, string>,
    };
  }
  return context;
}
