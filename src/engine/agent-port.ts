import type { RunEventInput } from '../core/index.js';
import type { JobResultSummary, Plan, PlanJob } from '../pipeline/index.js';
import type { JobOutcome } from './executor.js';

/**
 * The agent protocol: how an agent (the embedded one now, remote ones over gRPC later) takes jobs
 * from the server and reports on them. The server side is the job queue (`JobQueue`); an agent
 * never reads the store and never sees YAML.
 *
 * Call order, per lease: `lease` → (`heartbeat` every ≤ ttl/3, `reportStep`, `appendLogs`)* → `done`.
 * A lease is the agent's claim on one attempt of one job until `expiresAt`; each heartbeat extends
 * it by the ttl. A lease nobody renews LAPSES: the attempt ends `error` ("agent lost") and the
 * engine's retry policy decides whether the job runs again (jobs with a deploy step never do).
 *
 * Fencing: a lease is named by `leaseId` (one per job of a run) and `epoch` (the attempt number;
 * every re-queue of the job uses the next epoch). Every call carries both; a call whose lease ended
 * or whose epoch is not the current one is rejected with GantryError `LEASE_STALE` — the agent must
 * then stop the job and drop its results, because someone else owns the job now.
 *
 * Concurrency: an agent may hold several leases at once (its capacity) and call for them in
 * parallel; calls for ONE lease should be made one at a time and in order (step events in the order
 * they happened; log batches in seq order).
 *
 * Release: an agent that receives a lease it will not run (the answer came after it stopped asking)
 * calls `release` instead of starting it: the job goes back to the queue at once, at the same
 * attempt, and counts as never leased — rather than lapsing into "agent lost" a ttl later.
 *
 * Idempotency: `appendLogs` is idempotent on seq (lines at or below `acceptedUpTo` are ignored);
 * `heartbeat` and `reportStep` may be repeated; `done` is final — a second `done` is `LEASE_STALE`.
 *
 * Cancellation: `lease` is a long poll: it resolves as soon as a job fits the agent, or with
 * `undefined` when `signal` aborts. When the server wants a leased job stopped (run canceled,
 * fail-fast, shutdown) the next `heartbeat` answers `cancel: true`; the agent stops the job and still
 * calls `done` (status `canceled`).
 */
export interface AgentPort {
  lease(request: LeaseRequest, signal: AbortSignal): Promise<Lease | undefined>;
  heartbeat(leaseId: string, epoch: number): Promise<HeartbeatAnswer>;
  reportStep(leaseId: string, epoch: number, event: StepReport): Promise<void>;
  /**
   * Lines of the job with per-job `seq` (1, 2, …, continuing after `lease.logSeq`), already masked.
   * Stored durably before the answer. The answer is the highest seq stored with no gap before it:
   * lines after a gap are not stored — the agent resends from `acceptedUpTo + 1`.
   */
  appendLogs(leaseId: string, epoch: number, lines: readonly AgentLogLine[]): Promise<AppendAnswer>;
  done(leaseId: string, epoch: number, outcome: JobOutcome): Promise<void>;
  /** Gives back a lease the agent has not started (no step or log reported yet): LEASE_STALE otherwise. */
  release(leaseId: string, epoch: number): Promise<void>;
}

export interface LeaseRequest {
  /** Stable per agent (shown in job records and "no agent with labels" reasons). */
  agentId: string;
  /** What the agent offers; a job is leased only when its `runs_on` labels are all in here. */
  labels: readonly string[];
  /** Free slots the agent has right now (informational; one lease per call). */
  capacity: number;
}

/** Where a job's source comes from; the agent's checkout function knows how to fetch it. */
export interface CheckoutSpec {
  projectId: number;
  projectName: string;
  repoUrl: string;
  sha: string;
}

export interface Lease {
  leaseId: string;
  epoch: number;
  runId: number;
  /** The attempt of the job this lease runs (same number as `epoch`). */
  attempt: number;
  /** The plan with only this job in `jobs` (env, contexts and the job's definition). */
  plan: Plan;
  job: PlanJob;
  /** Results of the jobs this one needs, by job key. */
  needs: Record<string, JobResultSummary>;
  /** Undefined when the job has `checkout: false` (empty workspace). */
  checkout?: CheckoutSpec;
  /** Highest log seq already stored for this job (earlier attempts); number new lines after it. */
  logSeq: number;
  /**
   * The decrypted secrets this job names (its `secrets` context; the runner masks every value),
   * and notices for its log (a missing secret, none for a fork). Absent = none.
   */
  secrets?: JobSecrets;
  ttlMs: number;
  /** Epoch ms; renewed by each heartbeat. */
  expiresAt: number;
}

/** Secrets for one job attempt: only what the job references, decrypted by the server. */
export interface JobSecrets {
  values: Record<string, string>;
  /** System lines for the job's log, written before its first step. */
  notices: string[];
}

export interface HeartbeatAnswer {
  /** The server wants the job stopped: abort it, then call `done` with `canceled`. */
  cancel: boolean;
  expiresAt: number;
}

/** Step events as the runner reports them (`step:started` / `step:finished`). */
export type StepReport = Extract<RunEventInput, { type: 'step:started' | 'step:finished' }>;

export interface AgentLogLine {
  seq: number;
  /** Step index, or null for lines of the agent itself (checkout, lease lost). */
  step: number | null;
  stream: 'stdout' | 'stderr' | 'system';
  line: string;
  /** Epoch ms when the agent saw the line. */
  ts: number;
}

export interface AppendAnswer {
  acceptedUpTo: number;
}
