/**
 * The engine: runs a plan's graph of jobs, and executes stored runs for the server.
 *
 *   runPlan(plan, options)        the run state machine: ready set, critical-path-first order, conditions,
 *                                 fail-fast, cancellation, retries, resume → RunResult, with RunEvents on the way
 *   createRunService(options)     the server's engine side: starts queued runs (limits, priority, concurrency groups), resumes
 *                                 interrupted ones, records every transition; agents lease jobs from its `agentPort`
 *   AgentPort                     the agent protocol (lease, heartbeat, reportStep, appendLogs, done)
 *   pickNext(ready, now, running) the queue policy (priority classes, aging, fair share, limits, wait reasons)
 */
export type { JobExecutor, JobInput, JobOutcome } from './executor.js';
export type { RunOptions, RunResult, JobResult, JobOrder, RunResume, ResumedJob } from './run-options.js';
export { runPlan } from './run-plan.js';
export { buildJobGraph, type JobGraph } from './critical-path.js';
export type { AgentPort, LeaseRequest, Lease, CheckoutSpec, HeartbeatAnswer, StepReport, AgentLogLine, AppendAnswer } from './agent-port.js';
export { createRunService, type RunService, type RunServiceOptions } from './run-service.js';
export type { EngineLogger } from './run-recorder.js';
export { pickNext, effectivePriority, MAX_CLASS, type QueueCandidate, type QueuePolicy, type RunningCounts, type PickResult } from './queue/pick-next.js';
export { priorityClassOf, PRIORITY_CLASSES } from './queue/priority-class.js';
export type { CancelOutcome } from './run-cancel.js';
export type { RetryOptions } from './run-retry.js';
export { pruneRuns, DEFAULT_RETENTION, type RetentionOptions } from './retention.js';
