/**
 * The engine: runs a plan's graph of jobs.
 *
 *   runPlan(plan, options)   the run state machine: ready set, critical-path-first order, conditions,
 *                            fail-fast, cancellation, retries → RunResult, with RunEvents on the way
 */
export type { JobExecutor, JobInput, JobOutcome } from './executor.js';
export type { RunOptions, RunResult, JobResult, JobOrder } from './run-options.js';
export { runPlan } from './run-plan.js';
export { buildJobGraph, type JobGraph } from './critical-path.js';
