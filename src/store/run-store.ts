import type { Status } from '../core/index.js';
import type { EventName, GitEvent, Plan } from '../pipeline/index.js';

/** Who or what started a run; shown in the UI and used for priority classes. */
export interface RunTrigger {
  /** Same as event.name except for redeliveries/replays, which keep the original event kind. */
  kind: EventName;
  /** User, token name, forge sender login, or schedule name. */
  actor?: string | null;
  /** The Delivery row that created the run (webhooks), if any. */
  deliveryId?: number | null;
  /** The run this one retries, if any. */
  retryOf?: number | null;
}

export interface Run {
  /** Assigned by the store (integer, global). */
  id: number;
  projectId: number;
  /** Per-project number: #1, #2, … allocated atomically, never reused (even after runs are deleted). */
  number: number;
  event: GitEvent;
  /** Denormalized from `event` for filtering. */
  eventName: EventName;
  branch: string | null;
  tag: string | null;
  sha: string;
  trigger: RunTrigger;
  /** null until compiled (or when compilation failed: status `error` with the reason). */
  plan: Plan | null;
  status: Status;
  /** Why the run waits, was skipped, canceled or errored; null when nothing to say. */
  reason: string | null;
  createdAt: number;
  /** Set by the store the first time the status becomes `running`. */
  startedAt: number | null;
  /** Set by the store when the status becomes final; cleared when it leaves a final status (retry). */
  finishedAt: number | null;
  updatedAt: number;
}

export interface NewRun {
  projectId: number;
  event: GitEvent;
  trigger: RunTrigger;
  plan?: Plan | null;
  /** Default `queued`. */
  status?: Status;
  reason?: string | null;
}

export interface RunPatch {
  status?: Status;
  reason?: string | null;
  plan?: Plan | null;
}

export interface RunFilter {
  status?: Status | readonly Status[];
  branch?: string;
  event?: EventName;
  /** Cursor: only runs with number < before (pass the previous page's `nextCursor`). */
  before?: number;
  /** Default 50, max 500. */
  limit?: number;
}

export interface RunPage {
  /** Ordered by number, newest (highest) first. */
  runs: Run[];
  /** Pass as `before` for the next page; null when this was the last page. */
  nextCursor: number | null;
}

/**
 * A job of a run, keyed by (runId, jobId) where jobId is the plan's job id.
 * `status` + `reason` is what the UI shows for "why does it wait / why was it skipped"
 * (e.g. "3 higher-priority jobs ahead", "needs `build` failed", "if: false").
 */
export interface JobRecord {
  runId: number;
  jobId: string;
  name: string;
  status: Status;
  reason: string | null;
  /** 1-based; 0 = not attempted yet. */
  attempt: number;
  /** When the job last became queued/waiting (for "waiting for 3 min"). */
  queuedAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  outputs: Record<string, string>;
  updatedAt: number;
}

/**
 * Insert-or-patch: on insert, omitted fields take defaults (reason null, attempt 0, times null,
 * outputs {}); on update only the fields given (not undefined) change; `null` clears.
 */
export interface JobUpsert {
  runId: number;
  jobId: string;
  name?: string;
  status?: Status;
  reason?: string | null;
  attempt?: number;
  queuedAt?: number | null;
  startedAt?: number | null;
  finishedAt?: number | null;
  outputs?: Record<string, string>;
}

export interface StepRecord {
  runId: number;
  jobId: string;
  /** 0-based index in the plan job's steps. */
  step: number;
  name: string;
  status: Status;
  reason: string | null;
  exitCode: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  updatedAt: number;
}

/** Insert-or-patch like JobUpsert; keyed by (runId, jobId, step). */
export interface StepUpsert {
  runId: number;
  jobId: string;
  step: number;
  name?: string;
  status?: Status;
  reason?: string | null;
  exitCode?: number | null;
  startedAt?: number | null;
  finishedAt?: number | null;
}

/** One write of `RunStore.applyWrites`. */
export type RunWrite =
  | { kind: 'run'; runId: number; patch: RunPatch; ifStatus?: readonly Status[] }
  | { kind: 'job'; upsert: JobUpsert }
  | { kind: 'step'; upsert: StepUpsert };

export interface PruneOptions {
  /** Delete final runs that finished before this epoch ms. */
  finishedBefore?: number;
  /** Keep at most this many newest runs per project (only final runs are deleted). */
  keepPerProject?: number;
}

/**
 * Runs with their jobs and steps.
 *
 * Concurrency: `create` allocates the per-project number atomically (a counter on the project row,
 * bumped in the same transaction as the insert), so concurrent creates get distinct consecutive numbers.
 * All other methods are single atomic statements.
 * `update` stamps timestamps from the store's Clock: startedAt the first time the status becomes
 * `running`; finishedAt when it becomes final (cleared when it leaves a final status). With
 * `ifStatus`, the update only happens when the current status is one of those (compare-and-set, e.g.
 * so a late "finished" does not overwrite "canceled"); it then returns undefined when it did not apply.
 * Errors: `create` for a missing project and `update`/`upsertJob`/`upsertStep` for a missing run or job
 * → `STORE_NOT_FOUND`. `upsertJob`/`upsertStep` require `name` and `status` on first insert
 * (else `STORE_INVALID`). Idempotency: upserts are idempotent; `create` is not (one call, one run).
 */
export interface RunStore {
  create(input: NewRun): Promise<Run>;
  get(id: number): Promise<Run | undefined>;
  getByNumber(projectId: number, number: number): Promise<Run | undefined>;
  list(projectId: number, filter?: RunFilter): Promise<RunPage>;
  /** Runs of every project in these statuses, oldest first (id asc) — for recovery and scheduling. */
  listByStatus(statuses: readonly Status[], options?: { limit?: number }): Promise<Run[]>;
  /** How many runs of every project are in each status (one grouped query, for metrics); statuses with none are absent. */
  countRunsByStatus(): Promise<Partial<Record<Status, number>>>;
  update(id: number, patch: RunPatch, options?: { ifStatus?: readonly Status[] }): Promise<Run | undefined>;
  upsertJob(input: JobUpsert): Promise<JobRecord>;
  /**
   * Group commit: applies `writes` in order in ONE transaction (one commit, one fsync), each with the
   * semantics of `update`/`upsertJob`/`upsertStep`. A write that fails (STORE_INVALID, STORE_NOT_FOUND…)
   * is rolled back alone and reported in its slot of the answer (undefined = applied); the others
   * still apply. Resolves once all of them are durable; rejects only when the transaction itself
   * failed (nothing applied).
   */
  applyWrites(writes: readonly RunWrite[]): Promise<(Error | undefined)[]>;
  getJob(runId: number, jobId: string): Promise<JobRecord | undefined>;
  /** In insertion order (the order the engine first recorded them). */
  listJobs(runId: number): Promise<JobRecord[]>;
  upsertStep(input: StepUpsert): Promise<StepRecord>;
  /** Ordered by step index. */
  listSteps(runId: number, jobId: string): Promise<StepRecord[]>;
  /** Deletes runs (with jobs, steps, logs) by retention rules; returns how many runs were deleted. */
  prune(options: PruneOptions): Promise<number>;
}
