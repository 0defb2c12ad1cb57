import type { RunEventInput } from '../core/index.js';
import type { JobResultSummary, PlanJob } from '../pipeline/index.js';

/*
 * These mirror the engine's JobExecutor contract (src/engine/executor.ts) structurally: the runner
 * may not import the engine, and the engine may not import the runner; the composition root passes
 * a JobRunner where a JobExecutor is expected, and the type checker compares the shapes there.
 */

export interface JobRunInput {
  attempt: number;
  /** Results of needed jobs by job key, for `needs.<key>.result/outputs`. */
  needs: Record<string, JobResultSummary>;
  /** Step events and (masked) log lines; the caller stamps seq/ts. Called synchronously, in order. */
  report(event: RunEventInput): void;
}

export interface JobRunOutcome {
  status: 'success' | 'failure' | 'canceled' | 'error';
  outputs: Record<string, string>;
  failureKind?: 'failure' | 'timeout' | 'infrastructure';
  reason?: string;
}

export interface JobRunner {
  runJob(job: PlanJob, input: JobRunInput, signal: AbortSignal): Promise<JobRunOutcome>;
}

/** What later steps see as `steps.<id>`. `outcome` is before continue_on_error, `conclusion` after. */
export interface StepResultContext {
  outputs: Record<string, string>;
  outcome: 'success' | 'failure' | 'canceled' | 'skipped' | 'error';
  conclusion: 'success' | 'failure' | 'canceled' | 'skipped' | 'error';
}
