import type { RunEventInput } from '../core/index.js';
import type { AgentLease, AgentLine, AgentPortClient } from './port.js';

export interface LeaseReporterOptions {
  /** Send buffered lines after this long (default 50 ms)… */
  flushMs?: number;
  /** …or as soon as this many are buffered (default 1000). */
  maxLines?: number;
  now(): number;
  /** The lease was lost (LEASE_STALE or the server unreachable for good): stop the job. */
  onLost(err: unknown): void;
}

/**
 * Forwards what the runner reports for one lease: step events one at a time, in order; log lines
 * numbered (continuing after `lease.logSeq`) and sent in batches. A batch is resent from the
 * server's `acceptedUpTo` when the server asks (a gap), so lines are neither lost nor duplicated.
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
    while (this.#unacked.length > 0 && !this.#lost) {
      const batch = this.#unacked.slice(0, max);
      let accepted: number;
      try {
        ({ acceptedUpTo: accepted } = await this.#port.appendLogs(this.#lease.leaseId, this.#lease.epoch, batch));
      } catch (err) {
        return this.#fail(err);
      }
      const before = this.#unacked.length;
      this.#unacked = this.#unacked.filter((l) => l.seq > accepted);
      // The server expects lines we no longer have (or accepted none): nothing we can resend.
      if (this.#unacked.length === before) return this.#fail(new Error(`the server accepted log lines only up to seq ${accepted}`));
    }
  }

  #fail(err: unknown): void {
    if (this.#lost) return;
    this.#lost = true;
    this.#unacked = [];
    this.#options.onLost(err);
  }
}
