import type { Clock } from '../../core/index.js';
import type { JobResultSummary, Plan, PlanJob } from '../../pipeline/index.js';
import type { LogLine, LogStore } from '../../store/index.js';
import type { CheckoutSpec, JobSecrets, StepReport } from '../agent-port.js';

/** One attempt of one job, as the run service hands it to the queue. */
export interface QueuedJob {
  runId: number;
  projectId: number;
  plan: Plan;
  job: PlanJob;
  attempt: number;
  needs: Record<string, JobResultSummary>;
  checkout?: CheckoutSpec;
  /** Highest log seq stored for the job so far. */
  logSeq: number;
  /** Handed to the agent with the lease (and to nobody else). */
  secrets?: JobSecrets;
  priorityClass: number;
  projectPriority: number;
  rank: number;
  hooks: QueuedJobHooks;
}

export interface QueuedJobHooks {
  /** The job left the queue for an agent. */
  onLeased(agentId: string): void;
  /** The agent gave the job back unstarted (`release`): it waits in the queue again. */
  onReleased(): void;
  /** Why it still waits (changed since last time). */
  onReason(reason: string): void;
  /** A step event from the agent holding the lease; the agent's call is answered once this settles (stored). */
  onStep(event: StepReport): void | Promise<void>;
  /** After `done` handed the outcome on: settles once the job's end is stored; `done` answers after it. */
  onDone?(): Promise<void>;
}

export interface JobQueueOptions {
  logs: LogStore;
  clock: Clock;
  leaseTtlMs: number;
  agingStepMs: number;
  /** Most jobs leased at once over all agents; null = only the agents' capacity limits it. */
  globalJobLimit?: number | null;
  /** Told after each batch is durable, before the agent's ack (see RunServiceOptions.onLogsStored). */
  onLogsStored?: (runId: number, jobId: string, lines: readonly LogLine[]) => void;
}
