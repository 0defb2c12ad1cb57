import type { RunEventInput } from '../core/index.js';
import type { AgentLease, AgentLine, AgentPortClient } from './port.js';

export interface LeaseReporterOptions {
  /** Send buffered lines after this long (default 50 ms)… */
  flushMs?: number;
  /** …or as soon as this many are buffered (default 1000). */
  maxLines?: number;
  now(): number;
  /** Waits between tries of a refused batch (the agent's clock; tests pass a fake). */
  sleep(ms: number): Promise<void>;
  /** The lease was lost (LEASE_STALE, or answers that make no sense): stop the job; nothing more is sent. */
  onLost(err: unknown): void;
  /**
   * The server could not store the job's log lines: it refused them with a retryable error (such as
   * STORE_UNAVAILABLE — its disk is full) for longer than `retryMs`, or with another error. Stop the
   * job: it ends as an `error` with this reason. Step events and `done` are still sent.
   */
  onUnstored(reason: string): void;
  /** How long a batch refused with a retryable error is tried again, 100 ms → 1 s apart (default 10 s). */
  retryMs?: number;
}

/**
 * Forwards what the runner reports for one lease: step events one at a time, in order; log lines
 * numbered (continuing after `lease.logSeq`) and sent in batches. A batch is resent from the
 * server's `acceptedUpTo` when the server asks (a gap), so lines are neither lost nor duplicated.
 * A batch the server cannot store for now (a retryable error) is tried again, up to `retryMs`; after
 * that the job is stopped (`onUnstored`) and its remaining lines are counted, not kept.
 * `report` is synchronous (the runner calls it inline); `close` flushes and waits for everything.
 */
export class LeaseReporter {
  readonly #port: AgentPortClient;
  readonly #lease: AgentLease;
  readonly #options: LeaseReporterOptions;
  #seq: number;
  #unacked: AgentLine[] = [];
  #timer: NodeJS.Timeout | undefined;
  #logs: Promise<void> = Promise.resolve();
  #steps: Promise<void> = Promise.resolve();
  #lost = false;
  /** Why lines are no longer sent (the server could not store them), and how many were dropped. */
  #unstored: { reason: string; dropped: number } | undefined;

  constructor(port: AgentPortClient, lease: AgentLease, options: LeaseReporterOptions) {
    this.#port = port;
    this.#lease = lease;
    this.#options = options;
    this.#seq = lease.logSeq;
  }

  get lost(): boolean {
    return this.#lost;
  }

  readonly report = (event: RunEventInput): void => {
    if (this.#lost) return;
    if (event.type === 'log') return this.line(event.step, event.stream, event.line);
    if (event.type !== 'step:started' && event.type !== 'step:finished') return;
    const { leaseId, epoch } = this.#lease;
    this.#steps = this.#steps.then(() => (this.#lost ? undefined : this.#port.reportStep(leaseId, epoch, event).catch((err: unknown) => this.#fail(err))));
  };

  /** A line of the agent itself (checkout, errors) or of a step. */
  line(step: number | null, stream: AgentLine['stream'], line: string): void {
    if (this.#lost) return;
    if (this.#unstored) {
      this.#unstored.dropped++;
      return;
    }
    this.#unacked.push({ seq: ++this.#seq, step, stream, line, ts: this.#options.now() });
    if (this.#unacked.length >= (this.#options.maxLines ?? 1000)) this.#flush();
    else this.#timer ??= setTimeout(() => this.#flush(), this.#options.flushMs ?? 50);
  }

  async close(): Promise<void> {
    this.#flush();
    await Promise.all([this.#logs, this.#steps]);
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#logs = this.#logs.then(() => this.#send());
  }

  async #send(): Promise<void> {
    const max = this.#options.maxLines ?? 1000;
    let refusedSince: number | undefined;
    let wait = 100;
    while (this.#unacked.length > 0 && !this.#lost && !this.#unstored) {
      const batch = this.#unacked.slice(0, max);
      let accepted: number;
      try {
        ({ acceptedUpTo: accepted } = await this.#port.appendLogs(this.#lease.leaseId, this.#lease.epoch, batch));
      } catch (err) {
        if ((err as { code?: unknown }).code === 'LEASE_STALE') return this.#fail(err);
        refusedSince ??= this.#options.now();
        if ((err as { retryable?: unknown }).retryable === true && this.#options.now() - refusedSince < (this.#options.retryMs ?? 10_000)) {
          await this.#options.sleep(wait);
          wait = Math.min(1000, wait * 2);
          continue;
        }
        return this.#giveUp(err);
      }
      refusedSince = undefined;
      wait = 100;
      const before = this.#unacked.length;
      this.#unacked = this.#unacked.filter((l) => l.seq > accepted);
      // The server expects lines we no longer have (or accepted none): nothing we can resend.
      if (this.#unacked.length === before) return this.#fail(new Error(`the server accepted log lines only up to seq ${accepted}`));
    }
  }

  #giveUp(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.#unstored = { reason: `the server could not store this job's log: ${message}`, dropped: this.#unacked.length };
    this.#unacked = [];
    this.#options.onUnstored(this.#unstored.reason);
  }

  /** Lines that were not stored because the server could not take them (0 while all is well). */
  get droppedLines(): number {
    return this.#unstored?.dropped ?? 0;
  }

  #fail(err: unknown): void {
    if (this.#lost) return;
    this.#lost = true;
    this.#unacked = [];
    this.#options.onLost(err);
  }
}
