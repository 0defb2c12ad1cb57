import type { Clock, RunEventInput } from '../core/index.js';
import type { JobResultSummary, Plan, PlanJob } from '../pipeline/index.js';
import type { Backend } from './backend.js';
import type { ImageBuilder } from './image-builder.js';
import type { JobStorage } from './storage/job-storage.js';

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

export interface JobRunnerOptions {
  plan: Plan;
  backend: Backend;
  /** The secrets this run may use: the `secrets` context, and every value is masked in logs. */
  secrets: Record<string, string>;
  /** The checkout jobs with `checkout: true` run in (for `gantry exec`: the developer's directory). */
  sourceDir?: string;
  /** Environment inherited by every step, below everything Gantry and the pipeline set. */
  hostEnv: Record<string, string>;
  /** TERM→KILL grace for step processes (default: the backend's, 5 s). */
  killGraceMs?: number;
  clock?: Clock;
  /**
   * Runs jobs that set `image:` (and their `services:`): the docker backend. Undefined: such jobs
   * end `error` with a message saying how to configure a container engine.
   */
  containers?: Backend;
  /** Builds `build:` steps. Undefined: they end `error` with the same hint. */
  imageBuilder?: ImageBuilder;
  /**
   * Where a job attempt keeps `cache:` and `artifacts:` (an agent's runner runs one job, `gantry
   * exec`'s runs them all, hence per job). Undefined: they are skipped, with a notice.
   */
  storage?: (jobId: string) => JobStorage;
}
