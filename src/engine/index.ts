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
export type { RunOptions, RunResult, JobResult, JobOrder, RunResume, ResumedJob, RunObserver } from './run-options.js';
export { runPlan } from './run-plan.js';
export { buildJobGraph, type JobGraph } from './critical-path.js';
export type { AgentPort, LeaseRequest, Lease, CheckoutSpec, HeartbeatAnswer, StepReport, AgentLogLine, AppendAnswer, JobSecrets } from './agent-port.js';
export type { JobSecretsSource } from './run-execution.js';
export { createRunService, type QueueStats, type RunService, type RunServiceOptions } from './run-service.js';
export type { EngineLogger } from './run-recorder.js';
export { pickNext, effectivePriority, MAX_CLASS, type QueueCandidate, type QueuePolicy, type RunningCounts, type PickResult } from './queue/pick-next.js';
export { priorityClassOf, PRIORITY_CLASSES } from './queue/priority-class.js';
export type { CancelOutcome } from './run-cancel.js';
export { approvalReason, type DecisionInput } from './approvals/index.js';
export type { RetryOptions } from './run-retry.js';
export { pruneRuns, DEFAULT_RETENTION, type RetentionOptions } from './retention.js';
export {
  createAgentRegistry, type AgentRegistry, type AgentInfo, type AgentState, type AgentKind, type AgentRunningJob, type AgentRegistration,
} from './agents/index.js';
