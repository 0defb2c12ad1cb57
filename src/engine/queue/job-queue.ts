import { GantryError } from '../../core/index.js';
import type { LogLine } from '../../store/index.js';
import type { AgentLogLine, AgentPort, AppendAnswer, HeartbeatAnswer, Lease, LeaseRequest, StepReport } from '../agent-port.js';
import type { JobOutcome } from '../executor.js';
import { canceledOutcome, sanitize } from './job-outcomes.js';
import { acceptInSequence } from './log-sequence.js';
import { pickNext, type QueueCandidate, type RunningCounts } from './pick-next.js';
import type { JobQueueOptions, QueuedJob } from './queued-job.js';

export type { JobQueueOptions, QueuedJob, QueuedJobHooks } from './queued-job.js';

interface Entry extends QueueCandidate {
  item: QueuedJob;
  epoch: number;
  state: 'ready' | 'leased';
  agentId: string | undefined;
  expiresAt: number;
  timer: NodeJS.Timeout | undefined;
  cancel: boolean;
  /** The holder reported a step or a log line: the lease can no longer be released. */
  started: boolean;
  logSeq: number;
  logChain: Promise<unknown>;
  reason: string | undefined;
  resolve(outcome: JobOutcome): void;
}

interface Waiter {
  request: LeaseRequest;
  resolve(lease: Lease | undefined): void;
}

/**
 * The server side of the agent protocol (AgentPort): ready jobs wait here until an agent leases
 * them, in the order `pickNext` decides. Everything but log writes is synchronous on the one thread,
 * so a job is never granted twice. `enqueue` resolves with the attempt's outcome when the agent calls
 * `done`, when the lease lapses (`error`, "agent lost"), or at once with `canceled` when the engine
 * aborts a job no agent holds yet.
 */
export class JobQueue implements AgentPort {
  readonly #options: JobQueueOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #waiters: Waiter[] = [];
  readonly #agents = new Map<string, { labels: readonly string[]; lastSeen: number }>();
  readonly #idle: (() => void)[] = [];
  #seq = 0;
  #paused = false;
  #closed = false;
  #refreshScheduled = false;

  constructor(options: JobQueueOptions) {
    this.#options = options;
  }

  enqueue(item: QueuedJob, signal: AbortSignal): Promise<JobOutcome> {
    const leaseId = `${item.runId}/${item.job.id}`;
    if (this.#entries.has(leaseId)) return Promise.reject(new GantryError('SYSTEM_INTERNAL', `job ${leaseId} is already queued`));
    return new Promise<JobOutcome>((resolve) => {
      const entry: Entry = {
        key: leaseId, projectId: item.projectId, priorityClass: item.priorityClass, projectPriority: item.projectPriority,
        enqueuedAt: this.#options.clock.now(), runOrder: item.runId, rank: item.rank, seq: ++this.#seq, labels: item.job.runsOn,
        item, epoch: item.attempt, state: 'ready', agentId: undefined, expiresAt: 0, timer: undefined, cancel: false, started: false,
        logSeq: item.logSeq, logChain: Promise.resolve(), reason: undefined, resolve,
      };
      const onAbort = () => this.#onAbort(entry, signal);
      if (signal.aborted) return resolve(canceledOutcome(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      entry.resolve = (outcome) => {
        signal.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      this.#entries.set(leaseId, entry);
      this.#changed();
    });
  }

  async lease(request: LeaseRequest, signal: AbortSignal): Promise<Lease | undefined> {
    this.#seen(request.agentId, request.labels);
    if (signal.aborted || this.#closed) return undefined;
    return new Promise<Lease | undefined>((resolve) => {
      const waiter: Waiter = { request, resolve: () => undefined };
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index !== -1) this.#waiters.splice(index, 1);
        resolve(undefined);
        this.#scheduleRefresh();
      };
      waiter.resolve = (lease) => {
        signal.removeEventListener('abort', onAbort);
        resolve(lease);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
      this.#changed();
    });
  }

  async heartbeat(leaseId: string, epoch: number): Promise<HeartbeatAnswer> {
    const entry = this.#held(leaseId, epoch);
    entry.expiresAt = this.#options.clock.now() + this.#options.leaseTtlMs;
    if (entry.agentId !== undefined) this.#touch(entry.agentId);
    return { cancel: entry.cancel, expiresAt: entry.expiresAt };
  }

  async reportStep(leaseId: string, epoch: number, event: StepReport): Promise<void> {
    const entry = this.#held(leaseId, epoch);
    entry.started = true;
    if (event.type !== 'step:started' && event.type !== 'step:finished') {
      throw new GantryError('API_INVALID_REQUEST', `reportStep takes step:started/step:finished events, not ${String((event as { type: unknown }).type)}`);
    }
    await entry.item.hooks.onStep({ ...event, job: entry.item.job.id });
  }

  appendLogs(leaseId: string, epoch: number, lines: readonly AgentLogLine[]): Promise<AppendAnswer> {
    let entry: Entry;
    try {
      entry = this.#held(leaseId, epoch);
    } catch (err) {
      return Promise.reject(err);
    }
    entry.started = true;
    const write = entry.logChain.then(() => this.#append(entry, lines));
    entry.logChain = write.catch(() => undefined);
    return write;
  }

  async done(leaseId: string, epoch: number, outcome: JobOutcome): Promise<void> {
    const entry = this.#held(leaseId, epoch);
    // Mark it ended before awaiting, so a second `done` or a lapse cannot end it twice.
    this.#remove(entry);
    await entry.logChain;
    entry.resolve(sanitize(outcome, entry.item.job.id));
    this.#changed();
    await entry.item.hooks.onDone?.();
  }

  async release(leaseId: string, epoch: number): Promise<void> {
    const entry = this.#held(leaseId, epoch);
    if (entry.started) throw new GantryError('LEASE_STALE', `lease ${leaseId} epoch ${epoch} has started: it cannot be released, only ended with done`);
    clearTimeout(entry.timer);
    Object.assign(entry, { state: 'ready', agentId: undefined, timer: undefined, reason: undefined });
    if (this.leased === 0) for (const resolve of this.#idle.splice(0)) resolve();
    if (entry.cancel) {
      // The engine aborted the job while it was leased: it ends now, as if nobody had taken it.
      this.#remove(entry);
      entry.resolve({ status: 'canceled', outputs: {}, reason: 'canceled before an agent started it' });
    } else entry.item.hooks.onReleased();
    this.#changed();
  }

  /** Stop handing out jobs (shutdown); waiting agents keep waiting until their signal aborts. */
  stopLeasing(): void {
    this.#paused = true;
  }

  /** Number of jobs agents hold now. */
  get leased(): number {
    let n = 0;
    for (const entry of this.#entries.values()) if (entry.state === 'leased') n++;
    return n;
  }

  get ready(): number {
    return this.#entries.size - this.leased;
  }

  /** Labels of the agents waiting for a job now or heard from within max(2 × lease ttl, 60 s). */
  knownAgents(): (readonly string[])[] {
    const forgetBefore = this.#options.clock.now() - Math.max(2 * this.#options.leaseTtlMs, 60_000);
    const waiting = new Set(this.#waiters.map((w) => w.request.agentId));
    return [...this.#agents].filter(([id, a]) => waiting.has(id) || a.lastSeen >= forgetBefore).map(([, a]) => a.labels);
  }

  /** Runs with a job an agent holds now. */
  leasedRuns(): Set<number> {
    const runs = new Set<number>();
    for (const entry of this.#entries.values()) if (entry.state === 'leased') runs.add(entry.item.runId);
    return runs;
  }

  /** Resolves once no job is leased (for draining at shutdown). */
  whenNoLeases(): Promise<void> {
    if (this.leased === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /**
   * Shutdown: stop the lease timers, answer waiting agents `undefined`, and reject every later call
   * as LEASE_STALE (what agents would see from a server that is gone). Outcomes no longer matter.
   */
  close(): void {
    this.#paused = true;
    this.#closed = true;
    for (const entry of this.#entries.values()) clearTimeout(entry.timer);
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(undefined);
  }

  #held(leaseId: string, epoch: number): Entry {
    const entry = this.#closed ? undefined : this.#entries.get(leaseId);
    if (!entry || entry.state !== 'leased' || entry.epoch !== epoch) {
      const current = entry?.state === 'leased' ? entry.epoch : undefined;
      throw new GantryError('LEASE_STALE', `lease ${leaseId} epoch ${epoch} is not held (${current === undefined ? 'it ended' : `current epoch ${current}`})`, {
        details: { leaseId, epoch, ...(current === undefined ? {} : { currentEpoch: current }) },
      });
    }
    return entry;
  }

  async #append(entry: Entry, lines: readonly AgentLogLine[]): Promise<AppendAnswer> {
    const { accepted, upTo } = acceptInSequence(entry.logSeq, lines);
    if (accepted.length === 0) return { acceptedUpTo: entry.logSeq };
    const { runId, job } = entry.item;
    const stored: LogLine[] = accepted.map((l) => ({ runId, jobId: job.id, step: l.step, seq: l.seq, stream: l.stream, line: String(l.line), ts: l.ts }));
    await this.#options.logs.append(stored);
    entry.logSeq = Math.max(entry.logSeq, upTo);
    try {
      this.#options.onLogsStored?.(runId, job.id, stored);
    } catch {
      // A listener's fault must not fail the agent's append: live readers catch up from the store.
    }
    return { acceptedUpTo: entry.logSeq };
  }

  #onAbort(entry: Entry, signal: AbortSignal): void {
    if (this.#entries.get(entry.key) !== entry) return;
    if (entry.state === 'ready') {
      this.#remove(entry);
      entry.resolve(canceledOutcome(signal));
      this.#changed();
    } else entry.cancel = true; // told on the next heartbeat
  }

  #grant(entry: Entry, agentId: string): Lease {
    const { clock, leaseTtlMs } = this.#options;
    entry.state = 'leased';
    entry.agentId = agentId;
    entry.expiresAt = clock.now() + leaseTtlMs;
    this.#arm(entry, leaseTtlMs);
    entry.item.hooks.onLeased(agentId);
    const { item } = entry;
    return {
      leaseId: entry.key, epoch: entry.epoch, runId: item.runId, attempt: item.attempt,
      plan: { ...item.plan, jobs: [item.job] }, job: item.job, needs: item.needs,
      ...(item.checkout ? { checkout: item.checkout } : {}),
      ...(item.secrets ? { secrets: item.secrets } : {}),
      logSeq: entry.logSeq, ttlMs: leaseTtlMs, expiresAt: entry.expiresAt,
    };
  }

  /** The lapse timer re-arms itself while heartbeats keep moving `expiresAt`. */
  #arm(entry: Entry, ms: number): void {
    entry.timer = setTimeout(() => {
      if (this.#entries.get(entry.key) !== entry || entry.state !== 'leased') return;
      const left = entry.expiresAt - this.#options.clock.now();
      if (left > 0) return this.#arm(entry, left);
      this.#remove(entry);
      const reason = `agent lost: ${entry.agentId ?? 'the agent'} sent no heartbeat for ${this.#options.leaseTtlMs} ms`;
      entry.resolve(entry.cancel ? { status: 'canceled', outputs: {}, reason } : { status: 'error', failureKind: 'infrastructure', outputs: {}, reason });
      this.#changed();
    }, Math.max(1, ms));
  }

  #remove(entry: Entry): void {
    clearTimeout(entry.timer);
    this.#entries.delete(entry.key);
    if (this.leased === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  #seen(agentId: string, labels: readonly string[]): void {
    this.#agents.set(agentId, { labels: [...labels], lastSeen: this.#options.clock.now() });
  }

  #touch(agentId: string): void {
    const agent = this.#agents.get(agentId);
    if (agent) agent.lastSeen = this.#options.clock.now();
  }

  #changed(): void {
    this.#serve();
    this.#scheduleRefresh();
  }

  #running(): RunningCounts {
    const byProject = new Map<number, number>();
    let total = 0;
    for (const entry of this.#entries.values()) {
      if (entry.state !== 'leased') continue;
      total++;
      byProject.set(entry.projectId, (byProject.get(entry.projectId) ?? 0) + 1);
    }
    return { total, byProject };
  }

  #readyEntries(): Entry[] {
    return [...this.#entries.values()].filter((entry) => entry.state === 'ready');
  }

  /** Hands ready jobs to waiting agents, oldest waiter first. */
  #serve(): void {
    if (this.#paused) return;
    for (let i = 0; i < this.#waiters.length; ) {
      const waiter = this.#waiters[i]!;
      const { next } = pickNext(this.#readyEntries(), this.#options.clock.now(), this.#running(), {
        agingStepMs: this.#options.agingStepMs,
        globalLimit: this.#options.globalJobLimit ?? null,
        agentLabels: waiter.request.labels,
      });
      if (!next) {
        i++;
        continue;
      }
      this.#waiters.splice(i, 1);
      waiter.resolve(this.#grant(next, waiter.request.agentId));
    }
  }

  #scheduleRefresh(): void {
    if (this.#refreshScheduled) return;
    this.#refreshScheduled = true;
    queueMicrotask(() => {
      this.#refreshScheduled = false;
      this.#refreshReasons();
    });
  }

  /** Recomputes why each ready job waits; tells the run service only about changes. */
  #refreshReasons(): void {
    const now = this.#options.clock.now();
    const knownAgents = this.knownAgents();
    const ready = this.#readyEntries();
    const { reasons } = pickNext(ready, now, this.#running(), {
      agingStepMs: this.#options.agingStepMs,
      globalLimit: this.#options.globalJobLimit ?? null,
      knownAgents,
    });
    for (const entry of ready) {
      const reason = reasons.get(entry.key);
      if (reason === undefined || reason === entry.reason) continue;
      entry.reason = reason;
      entry.item.hooks.onReason(reason);
    }
  }
}
