import { systemClock, type Clock } from '../core/index.js';
import type { Plan } from '../pipeline/index.js';
import type { JobApproval, LogLine, Project, Run, Store } from '../store/index.js';
import type { AgentPort } from './agent-port.js';
import { batcherFor } from './record-batcher.js';
import { ApprovalGate, type DecisionInput } from './approvals/index.js';
import { JobQueue } from './queue/job-queue.js';
import { admitQueuedRuns } from './run-admission.js';
import { AutoCanceler } from './run-auto-cancel.js';
import { cancelStoredRun, type CancelOutcome } from './run-cancel.js';
import { startRunExecution, type JobSecretsSource, type RunExecution } from './run-execution.js';
import type { RunObserver } from './run-options.js';
import { retryStoredRun, type RetryOptions } from './run-retry.js';
import { startRetention, type RetentionOptions } from './retention.js';
import { silentLogger, type EngineLogger } from './run-recorder.js';

export interface RunServiceOptions {
  store: Pick<Store, 'runs' | 'logs' | 'projects' | 'approvals'>;
  clock?: Clock;
  logger?: EngineLogger;
  /** How long a lease lives without a heartbeat. */
  leaseTtlMs: number;
  /** Wait that lifts a queued job or run by one priority class (default 60 s). */
  agingStepMs?: number;
  limits?: {
    /** Runs running at once over all projects; null = no limit (projects' own limits still apply). */
    maxConcurrentRuns?: number | null;
    /** Jobs leased at once over all agents; null = the agents' capacity is the limit. */
    maxRunningJobs?: number | null;
  };
  /** Also look for queued runs this often, for runs stored without `kick()` (default 1 s). */
  pollIntervalMs?: number;
  /**
   * Told after a batch of a job's log lines is durable (live log fan-out), in seq order per job.
   * Called synchronously on the write path: it must be quick and must not throw (errors are ignored).
   */
  onLogsStored?: (runId: number, jobId: string, lines: readonly LogLine[]) => void;
  /** Told after a write about a run, its jobs or steps landed in the store (same rules as onLogsStored). */
  onRunChanged?: (runId: number) => void;
  /** Periodic deletion of ended runs and their logs (default 90 days / 500 runs per project); null = keep all. */
  retention?: RetentionOptions | null;
  /** Told about queue waits and attempt ends (metrics); same rules as onLogsStored. */
  observer?: RunObserver;
  /** The decrypted secrets each job attempt references (the server's secret store); none without it. */
  jobSecrets?: JobSecretsSource;
}

/** The job queue right now (metrics read it at scrape time). */
export interface QueueStats {
  /** Jobs waiting for an agent. */
  ready: number;
  /** Jobs an agent holds. */
  leased: number;
  /** Agents waiting for a job now or heard from recently (the agents wait reasons count on). */
  agents: number;
}

/**
 * Executes stored runs: the engine side of the server.
 *
 * Lifecycle: `start` resumes runs the store says are `running` (the server stopped during them),
 * then starts queued runs as limits allow — on `kick()` (the intake calls it after storing a run),
 * when a run ends, and every `pollIntervalMs`. A queued run starts by compare-and-set
 * (`queued` → `running`), so two services on one store never start it twice. Runs held back by a
 * limit or a concurrency group keep `queued` with the reason ("project limit 2 reached",
 * "concurrency group deploy held by run #41"); admission, auto-cancel and groups are in
 * run-admission.ts, run-auto-cancel.ts and concurrency-groups.ts.
 * Agents take the jobs through `agentPort` (the JobQueue).
 *
 * Stop (server shutdown): `stopTakingWork` — no run starts and no job is leased any more;
 * `drain(grace, reason)` — waits up to `grace` for leased jobs to end, then cancels the runs that
 * still have one (jobs and run end `canceled` with `reason`); `close` — waits for those runs to be
 * recorded, then detaches the rest: they stay `running` with their unleased jobs `queued`, and the
 * next start resumes them. Not reentrant: one start, one stop.
 */
export interface RunService {
  readonly agentPort: AgentPort;
  start(): Promise<void>;
  kick(): void;
  /** Cancels a run executing here; false when it is not (a launch in progress then ends at once). */
  cancelRun(runId: number, reason: string): boolean;
  /** Cancels a stored run wherever it is in its life (see cancelStoredRun); idempotent. */
  cancel(runId: number, reason: string): Promise<CancelOutcome>;
  /** Stores a new run retrying an ended one (see retryStoredRun) and looks for work. */
  retry(run: Run, options?: RetryOptions): Promise<Run>;
  /** Approves or rejects a job waiting for approval here (ApprovalGate.decide). */
  decide(input: DecisionInput): Promise<JobApproval>;
  stopTakingWork(): void;
  drain(graceMs: number, reason: string): Promise<void>;
  close(): Promise<void>;
  /** Runs executing in this process. */
  activeRuns(): number[];
  queueStats(): QueueStats;
  /** While run records wait for a store that refuses writes for now (a full disk): why. */
  recordingRefused(): Error | undefined;
  /** Resolves when the run's execution here ended (tests; resolves at once when not executing). */
  settled(runId: number): Promise<void>;
}

interface Active {
  projectId: number;
  controller: AbortController;
  execution: Promise<RunExecution | undefined>;
  done: Promise<void>;
}

export function createRunService(options: RunServiceOptions): RunService {
  return new Service(options);
}

class Service implements RunService {
  readonly agentPort: JobQueue;
  readonly #options: RunServiceOptions;
  readonly #clock: Clock;
  readonly #logger: EngineLogger;
  readonly #active = new Map<number, Active>();
  readonly #canceledForShutdown = new Set<number>();
  #admitting = false;
  #admitAgain = false;
  #accepting = false;
  #timer: NodeJS.Timeout | undefined;
  #retention: { stop(): void } | undefined;
  /** Cancel reasons for runs not executing here (yet), with when they were asked for. */
  readonly #pendingCancels = new Map<number, { reason: string; at: number }>();
  readonly #autoCancel: AutoCanceler;
  readonly #approvals: ApprovalGate;

  constructor(options: RunServiceOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.agentPort = new JobQueue({
      logs: options.store.logs,
      clock: this.#clock,
      leaseTtlMs: options.leaseTtlMs,
      agingStepMs: this.#agingStepMs,
      globalJobLimit: options.limits?.maxRunningJobs ?? null,
      ...(options.onLogsStored && { onLogsStored: options.onLogsStored }),
    });
    this.#approvals = new ApprovalGate(options.store.approvals);
    this.#autoCancel = new AutoCanceler({ runs: options.store.runs, logger: this.#logger, cancel: (runId, reason) => this.cancel(runId, reason) });
  }

  get #agingStepMs(): number {
    return this.#options.agingStepMs ?? 60_000;
  }

  async start(): Promise<void> {
    this.#accepting = true;
    const interrupted = await this.#options.store.runs.listByStatus(['running']);
    for (const run of interrupted) {
      const project = await this.#options.store.projects.getById(run.projectId);
      if (project) this.#launch(run, project, true);
    }
    const poll = this.#options.pollIntervalMs ?? 1000;
    this.#timer = setInterval(() => this.kick(), poll);
    this.#timer.unref?.();
    const { retention } = this.#options;
    if (retention !== null) {
      this.#retention = startRetention({ runs: this.#options.store.runs, clock: this.#clock, logger: this.#logger, ...(retention && { options: retention }) });
    }
    this.kick();
  }

  kick(): void {
    if (!this.#accepting) return;
    if (this.#admitting) {
      this.#admitAgain = true;
      return;
    }
    this.#admitting = true;
    void (async () => {
      try {
        do {
          this.#admitAgain = false;
          await this.#admit();
        } while (this.#admitAgain && this.#accepting);
      } catch (err) {
        this.#logger.error({ err }, 'could not start queued runs');
      } finally {
        this.#admitting = false;
      }
    })();
  }

  cancelRun(runId: number, reason: string): boolean {
    const active = this.#active.get(runId);
    if (!active) {
      // Forget old ones: a launch follows its compare-and-set within moments.
      for (const [id, pending] of this.#pendingCancels) if (pending.at < this.#clock.now() - 60_000) this.#pendingCancels.delete(id);
      this.#pendingCancels.set(runId, { reason, at: this.#clock.now() });
      return false;
    }
    active.controller.abort(reason);
    return true;
  }

  async cancel(runId: number, reason: string): Promise<CancelOutcome> {
    const outcome = await cancelStoredRun(this.#options.store.runs, this, this.#clock, runId, reason);
    this.#changed(runId);
    return outcome;
  }

  async retry(run: Run, options?: RetryOptions): Promise<Run> {
    const created = await retryStoredRun(this.#options.store.runs, this.#clock, run, options);
    this.#changed(created.id);
    this.kick();
    return created;
  }

  async decide(input: DecisionInput): Promise<JobApproval> {
    const approval = await this.#approvals.decide(input);
    this.#changed(input.runId);
    return approval;
  }

  #changed(runId: number): void {
    try {
      this.#options.onRunChanged?.(runId);
    } catch {
      // Listeners re-read the store; their faults must not fail the action.
    }
  }

  stopTakingWork(): void {
    this.#accepting = false;
    clearInterval(this.#timer);
    this.#retention?.stop();
    this.agentPort.stopLeasing();
  }

  async drain(graceMs: number, reason: string): Promise<void> {
    this.stopTakingWork();
    const timeout = new AbortController();
    await Promise.race([this.agentPort.whenNoLeases(), this.#clock.sleep(graceMs, timeout.signal).catch(() => undefined)]);
    timeout.abort();
    for (const runId of this.agentPort.leasedRuns()) {
      this.#canceledForShutdown.add(runId);
      this.cancelRun(runId, reason);
    }
  }

  async close(): Promise<void> {
    this.stopTakingWork();
    // Canceled runs end once their agents answer (or their leases lapse): wait for that, bounded.
    const canceled = [...this.#canceledForShutdown].map((id) => this.#active.get(id)?.done).filter((d) => d !== undefined);
    const limit = new AbortController();
    await Promise.race([Promise.all(canceled), this.#clock.sleep(this.#options.leaseTtlMs + 1000, limit.signal).catch(() => undefined)]);
    limit.abort();
    for (const active of this.#active.values()) {
      const execution = await active.execution;
      if (!execution) continue;
      await execution.recorder.flush();
      execution.recorder.detach();
    }
    this.agentPort.close();
  }

  activeRuns(): number[] {
    return [...this.#active.keys()];
  }

  recordingRefused(): Error | undefined {
    return batcherFor(this.#options.store.runs).refusal();
  }

  queueStats(): QueueStats {
    return { ready: this.agentPort.ready, leased: this.agentPort.leased, agents: this.agentPort.knownAgents().length };
  }

  settled(runId: number): Promise<void> {
    return this.#active.get(runId)?.done ?? Promise.resolve();
  }

  #launch(run: Run, project: Project, resume: boolean): void {
    if (this.#active.has(run.id)) return;
    const controller = new AbortController();
    const pending = this.#pendingCancels.get(run.id);
    if (pending) {
      this.#pendingCancels.delete(run.id);
      controller.abort(pending.reason);
    }
    if (!run.plan) {
      void this.#options.store.runs.update(run.id, { status: 'error', reason: 'the run has no compiled plan' }, { ifStatus: ['running'] });
      return;
    }
    const execution = startRunExecution({
      run: run as Run & { plan: Plan },
      project,
      store: this.#options.store,
      queue: this.agentPort,
      approvals: this.#approvals,
      clock: this.#clock,
      logger: this.#logger,
      signal: controller.signal,
      resume,
      ...(this.#options.onRunChanged && { onChanged: this.#options.onRunChanged }),
      ...(this.#options.observer && { observer: this.#options.observer }),
      ...(this.#options.jobSecrets && { jobSecrets: this.#options.jobSecrets }),
    }).catch((err: unknown) => {
      this.#logger.error({ err, runId: run.id }, 'could not start the run');
      return undefined;
    });
    const done = execution
      .then((e) => e?.done)
      .catch((err: unknown) => this.#logger.error({ err, runId: run.id }, 'could not record the end of the run'))
      .finally(() => {
        this.#active.delete(run.id);
        this.kick();
      });
    this.#active.set(run.id, { projectId: project.id, controller, execution, done });
  }

  /** One admission pass (run-admission.ts): cancels, concurrency groups, limits, policy order. */
  #admit(): Promise<void> {
    return admitQueuedRuns({
      store: this.#options.store,
      clock: this.#clock,
      agingStepMs: this.#agingStepMs,
      globalLimit: this.#options.limits?.maxConcurrentRuns ?? null,
      autoCancel: this.#autoCancel,
      accepting: () => this.#accepting,
      active: () => this.#active,
      launch: (run, project) => this.#launch(run, project, false),
    });
  }
}
