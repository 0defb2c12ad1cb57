import type { EventName, PlanJob } from '../../pipeline/index.js';

/**
 * Priority classes of the queue (higher goes first; aging lifts waiting items one class per
 * `agingStepMs`): a person waiting (manual, API) and deploys first, then the default branch and
 * tags, then pull requests and other branches, then schedules.
 */
export const PRIORITY_CLASSES = { cron: 0, change: 1, mainline: 2, urgent: 3 } as const;

export interface ClassInput {
  /** The run's trigger kind (redeliveries keep the original). */
  kind: EventName;
  branch: string | null;
  defaultBranch: string;
  /** For a job: deploy jobs are urgent whatever started the run. */
  job?: PlanJob;
}

export function priorityClassOf(input: ClassInput): number {
  if (input.kind === 'manual' || input.kind === 'api') return PRIORITY_CLASSES.urgent;
  if (input.job && isDeployJob(input.job)) return PRIORITY_CLASSES.urgent;
  if (input.kind === 'tag') return PRIORITY_CLASSES.mainline;
  if (input.kind === 'push' && input.branch === input.defaultBranch) return PRIORITY_CLASSES.mainline;
  if (input.kind === 'cron') return PRIORITY_CLASSES.cron;
  return PRIORITY_CLASSES.change;
}

export function isDeployJob(job: PlanJob): boolean {
  return job.environment !== undefined || job.steps.some((step) => step.kind === 'deploy');
}
