import type { PlanJob, PlanStep } from '../pipeline/index.js';
import type { Workspace } from './backend.js';
import type { JobRunnerOptions } from './job-types.js';
import { systemClock, type Status } from '../core/index.js';
import type { JobRunInput } from './job-types.js';

/** Everything fixed for one job attempt, shared by the job loop and the step runner. */
export interface AttemptContext {
  options: JobRunnerOptions;
  job: PlanJob;
  input: JobRunInput;
  /** The job's cancel signal (from the engine). */
  signal: AbortSignal;
  /** Aborts when the job's own timeout passes. */
  deadline: AbortSignal;
  /** Aborts when either `signal` or `deadline` does (one per job, not one per step). */
  stop: AbortSignal;
  workspace: Workspace;
  secretValues: string[];
}

/** A line from Gantry itself (not the step's process) in the step's log. */
export function systemLog(ctx: AttemptContext, step: number, line: string): void {
  ctx.input.report({ type: 'log', job: ctx.job.id, step, stream: 'system', line });
}

/** How one step ended, for the job loop. */
export interface StepRun {
  status: 'success' | 'failure' | 'canceled' | 'skipped' | 'error';
  outputs: Record<string, string>;
  /** Values the step exported through $GANTRY_ENV. */
  exported: Record<string, string>;
  failureKind?: 'failure' | 'timeout' | 'infrastructure';
  reason?: string;
}

/** Ends a step that failed before (or instead of) running its process: a system line, then finished. */
export function failStepEarly(ctx: AttemptContext, step: PlanStep, started: number, reason: string): StepRun {
  const clock = ctx.options.clock ?? systemClock;
  systemLog(ctx, step.index, reason);
  ctx.input.report({
    type: 'step:finished',
    job: ctx.job.id,
    step: step.index,
    name: step.name,
    status: 'failure',
    durationMs: Math.max(0, clock.monotonic() - started),
    reason,
  });
  return { status: 'failure', outputs: {}, exported: {}, failureKind: 'failure', reason };
}

/** Reports `step:finished` for a step that ran (or tried to), with its duration since `started`. */
export function reportStepFinished(ctx: AttemptContext, step: PlanStep, started: number, run: StepRun, exitCode?: number): StepRun {
  const clock = ctx.options.clock ?? systemClock;
  ctx.input.report({
    type: 'step:finished',
    job: ctx.job.id,
    step: step.index,
    name: step.name,
    status: run.status as Status,
    durationMs: Math.max(0, clock.monotonic() - started),
    ...(exitCode !== undefined ? { exitCode } : {}),
    ...(run.reason !== undefined ? { reason: run.reason } : {}),
  });
  return run;
}
