import { mkdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { systemClock, toGantryError, type Clock } from '../core/index.js';
import { createJobRunner, LocalBackend, type JobRunnerOptions, type JobRunOutcome } from '../runner/index.js';
import { LeaseReporter } from './lease-reporter.js';
import type { AgentCheckout, AgentLease, AgentPortClient } from './port.js';

export interface EmbeddedAgentOptions {
  port: AgentPortClient;
  /** Jobs run at once (≥ 1). */
  capacity: number;
  /** Job workspaces are made under here, one per lease, removed after the job. */
  workRoot: string;
  /** Puts the commit into `dir` (an empty directory). The server passes its repo mirrors' checkout. */
  checkout: (spec: AgentCheckout, dir: string, signal: AbortSignal) => Promise<void>;
  /** Default: a LocalBackend of the agent's own (closed by `stop`). */
  backend?: LocalBackend;
  agentId?: string;
  /** Default ['local', 'embedded', process.platform]. */
  labels?: readonly string[];
  clock?: Clock;
  /** Log sink for the agent's own troubles (default: none). */
  onError?: (err: unknown, context: string) => void;
  /** Env every step inherits below Gantry's own (default: PATH, HOME, LANG of this process). */
  hostEnv?: Record<string, string>;
  /**
   * What a job may use besides host processes, per lease: the container backend and image builder
   * (when a Docker/Podman socket is configured) and the lease's cache and artifact storage.
   */
  runtime?: (lease: AgentLease) => JobRuntime;
}

/** The parts of a job runner's options an agent's host provides per lease. */
export type JobRuntime = Pick<JobRunnerOptions, 'containers' | 'imageBuilder' | 'storage'>;

export interface EmbeddedAgent {
  readonly agentId: string;
  start(): void;
  /** drain: stop leasing, let running jobs finish; otherwise cancel them (reported `canceled`). */
  stop(options: { drain: boolean; reason?: string }): Promise<void>;
  /** Jobs running now. */
  readonly running: number;
  readonly started: boolean;
}

/**
 * The agent inside the server. `capacity` slots each loop: lease (long poll) → workspace under
 * `workRoot` → checkout (jobs with `checkout: true`) → run the job with the runner on the local
 * backend (steps start from lean spawner processes, not from the server) → report steps and log
 * lines → heartbeat every ttl/3 (at most 1 s apart, so a cancel reaches the job quickly) → done →
 * remove the workspace. A heartbeat answering `cancel` aborts the job; a stale lease (LEASE_STALE)
 * aborts it and drops its results — someone else owns the job now.
 */
export function createEmbeddedAgent(options: EmbeddedAgentOptions): EmbeddedAgent {
  return new Agent(options);
}

class Agent implements EmbeddedAgent {
  readonly agentId: string;
  readonly #options: EmbeddedAgentOptions;
  readonly #clock: Clock;
  readonly #backend: LocalBackend;
  readonly #ownBackend: boolean;
  readonly #leasing = new AbortController();
  readonly #jobs = new Set<AbortController>();
  #loops: Promise<void>[] = [];
  #stopping = false;

  constructor(options: EmbeddedAgentOptions) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) throw new Error(`agent capacity must be an integer ≥ 1, got ${options.capacity}`);
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#ownBackend = options.backend === undefined;
    this.#backend = options.backend ?? new LocalBackend({ tempRoot: options.workRoot });
    this.agentId = options.agentId ?? `embedded@${hostname()}`;
  }

  get running(): number {
    return this.#jobs.size;
  }

  get started(): boolean {
    return this.#loops.length > 0 && !this.#stopping;
  }

  start(): void {
    if (this.#loops.length > 0) return;
    for (let slot = 0; slot < this.#options.capacity; slot++) this.#loops.push(this.#loop());
  }

  async stop({ drain, reason = 'server shutting down' }: { drain: boolean; reason?: string }): Promise<void> {
    this.#stopping = true;
    this.#leasing.abort();
    if (!drain) for (const job of this.#jobs) job.abort(reason);
    await Promise.all(this.#loops);
    if (this.#ownBackend) await this.#backend.close();
  }

  async #loop(): Promise<void> {
    const labels = this.#options.labels ?? ['local', 'embedded', process.platform];
    while (!this.#stopping) {
      let lease: AgentLease | undefined;
      try {
        lease = await this.#options.port.lease({ agentId: this.agentId, labels, capacity: this.#options.capacity - this.#jobs.size }, this.#leasing.signal);
      } catch (err) {
        this.#options.onError?.(err, 'lease');
        await this.#clock.sleep(1000, this.#leasing.signal).catch(() => undefined);
        continue;
      }
      if (lease) await this.#run(lease);
    }
  }

  async #run(lease: AgentLease): Promise<void> {
    const { port } = this.#options;
    const job = new AbortController();
    this.#jobs.add(job);
    if (this.#stopping && !this.#leasing.signal.aborted) job.abort('agent stopping');
    let unstored: string | undefined;
    const reporter = new LeaseReporter(port, lease, {
      now: () => this.#clock.now(),
      sleep: (ms) => this.#clock.sleep(ms),
      onLost: (err) => {
        this.#options.onError?.(err, `lease ${lease.leaseId}`);
        job.abort('lease lost');
      },
      onUnstored: (reason) => {
        unstored = reason;
        this.#options.onError?.(new Error(reason), `lease ${lease.leaseId}`);
        job.abort(reason);
      },
    });
    const heartbeat = this.#heartbeat(lease, job, reporter);
    const dir = join(this.#options.workRoot, `job-${lease.runId}-${safe(lease.job.id)}-${lease.epoch}`);
    let outcome: JobRunOutcome;
    try {
      outcome = await this.#execute(lease, dir, job.signal, reporter);
    } catch (err) {
      outcome = { status: 'error', failureKind: 'infrastructure', outputs: {}, reason: toGantryError(err).message };
    } finally {
      clearInterval(heartbeat);
    }
    await reporter.close();
    if (unstored !== undefined) {
      // The job was stopped because its output had nowhere to go: say so, not "canceled".
      outcome = { status: 'error', failureKind: 'infrastructure', outputs: {}, reason: `${unstored} (${reporter.droppedLines} log lines not stored)` };
    }
    if (!reporter.lost) {
      await port.done(lease.leaseId, lease.epoch, outcome).catch((err: unknown) => this.#options.onError?.(err, `done ${lease.leaseId}`));
    }
    this.#jobs.delete(job);
    await rm(dir, { recursive: true, force: true }).catch((err: unknown) => this.#options.onError?.(err, `remove ${dir}`));
  }

  async #execute(lease: AgentLease, dir: string, signal: AbortSignal, reporter: LeaseReporter): Promise<JobRunOutcome> {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    if (lease.job.checkout && lease.checkout) {
      reporter.line(null, 'system', `checkout ${lease.checkout.sha}`);
      try {
        await this.#options.checkout(lease.checkout, dir, signal);
      } catch (err) {
        const reason = `checkout failed: ${toGantryError(err).message}`;
        reporter.line(null, 'system', reason);
        return { status: signal.aborted ? 'canceled' : 'error', failureKind: 'infrastructure', outputs: {}, reason };
      }
    }
    for (const notice of lease.secrets?.notices ?? []) reporter.line(null, 'system', notice);
    const runner = createJobRunner({
      plan: lease.plan,
      backend: this.#backend,
      secrets: lease.secrets?.values ?? {},
      sourceDir: dir,
      hostEnv: this.#options.hostEnv ?? minimalEnv(),
      clock: this.#clock,
      ...this.#options.runtime?.(lease),
    });
    return runner.runJob(lease.job, { attempt: lease.attempt, needs: lease.needs, report: reporter.report }, signal);
  }

  #heartbeat(lease: AgentLease, job: AbortController, reporter: LeaseReporter): NodeJS.Timeout {
    const every = Math.max(50, Math.min(1000, Math.floor(lease.ttlMs / 3)));
    let inFlight = false;
    const timer = setInterval(() => {
      if (inFlight || reporter.lost) return;
      inFlight = true;
      this.#options.port.heartbeat(lease.leaseId, lease.epoch).then(
        (answer) => {
          inFlight = false;
          if (answer.cancel) job.abort('canceled by the server');
        },
        (err: unknown) => {
          inFlight = false;
          this.#options.onError?.(err, `heartbeat ${lease.leaseId}`);
          if ((err as { code?: string }).code === 'LEASE_STALE') {
            reporter.line(null, 'system', 'lease lost: the server gave this job to someone else');
            job.abort('lease lost');
          }
        },
      );
    }, every);
    timer.unref?.();
    return timer;
  }
}

function safe(id: string): string {
  return id.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 40);
}

function minimalEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'LANG']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}
