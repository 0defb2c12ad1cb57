import { appendFileSync, closeSync, mkdirSync, openSync, readSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../../core/index.js';
import type { AgentLine } from '../port.js';
import { AgentCallError } from './agent-client.js';

export interface LogOutboxOptions {
  /** One AppendLogs call (no retry): the answer is the highest seq the server stored with no gap. */
  send(lines: readonly AgentLine[]): Promise<{ acceptedUpTo: number }>;
  /** Made only when lines overflow memory; removed by `close`. */
  spoolFile: string;
  /** The seq the server has up to (the lease's logSeq): the outbox numbers on from here. */
  logSeq: number;
  /** Lines kept in memory before the spool file takes the rest (default 1000). */
  memoryLines?: number;
  /** When the spool cannot be written (disk full): lines kept in memory at most; more are dropped (default 20 000). */
  maxMemoryLines?: number;
  /** Give up (the lease has lapsed by then) after the server was unreachable this long. */
  giveUpAfterMs: number;
  clock: Clock;
  onNotice(message: string): void;
}

const BATCH = 1000;
const MAX_BACKOFF_MS = 5000;

/**
 * The log lines of one lease on their way to the server. `add` takes lines at once (the job never
 * waits for the network); a sender delivers them in seq order, resending from the server's
 * `acceptedUpTo` after a gap, and keeps trying with backoff while the server is unreachable or
 * cannot store them for now (a retryable refusal such as STORE_UNAVAILABLE).
 *
 * Where lines wait, oldest first: `head` in memory (up to memoryLines), then a spool file of JSON
 * lines under the agent's work dir, then — only when the spool cannot be written — `tail` in memory
 * up to maxMemoryLines. Beyond that lines are dropped and counted, and a system line says how many
 * before the next one kept. The outbox numbers the lines itself (continuing after `logSeq`), so a
 * dropped line leaves no gap. A refusal (LEASE_STALE) or a server gone for longer than the lease
 * ends it for good: every later `add`/`drain` throws that error.
 */
export class LogOutbox {
  readonly #options: LogOutboxOptions;
  #seq: number;
  #head: AgentLine[] = [];
  #tail: AgentLine[] = [];
  #spooled = 0;
  #readOffset = 0;
  #spoolBroken = false;
  #dropped = 0;
  #fatal: unknown;
  #sending: Promise<void> | undefined;

  constructor(options: LogOutboxOptions) {
    this.#options = options;
    this.#seq = options.logSeq;
  }

  /** Lines that wait for the server now (memory and spool). */
  get pending(): number {
    return this.#head.length + this.#spooled + this.#tail.length;
  }

  add(lines: readonly AgentLine[]): void {
    if (this.#fatal !== undefined) throw this.#fatal;
    const memoryLines = this.#options.memoryLines ?? 1000;
    const toSpool: AgentLine[] = [];
    for (const line of lines) {
      const inOrder = this.#spooled === 0 && this.#tail.length === 0 && toSpool.length === 0;
      if (inOrder && this.#head.length < memoryLines) this.#head.push(this.#number(line));
      else if (!this.#spoolBroken && this.#tail.length === 0) toSpool.push(line);
      else this.#overflow(line);
    }
    if (toSpool.length > 0 && !this.#spool(toSpool.map((line, i) => ({ ...line, seq: this.#seq + 1 + i })))) {
      for (const line of toSpool) this.#overflow(line);
    } else this.#seq += toSpool.length;
    this.#send();
  }

  /** Settles once every line is stored by the server; throws what ended the outbox. */
  async drain(): Promise<void> {
    if (this.#dropped > 0 && this.#fatal === undefined) {
      this.#noteDropped(this.#options.clock.now());
      this.#send();
    }
    while (this.#sending) await this.#sending;
    if (this.#fatal !== undefined) throw this.#fatal;
  }

  /** Removes the spool file (after `done`, or when the lease is given up). */
  close(): void {
    this.#head = [];
    this.#tail = [];
    this.#spooled = 0;
    rmSync(this.#options.spoolFile, { force: true });
  }

  #number(line: AgentLine): AgentLine {
    if (this.#dropped > 0) this.#noteDropped(line.ts);
    return { ...line, seq: ++this.#seq };
  }

  /** The counted system line for dropped lines, in their place (before the next line kept). */
  #noteDropped(ts: number): void {
    const notice = `${this.#dropped} log line(s) dropped here: the server was unreachable and the agent could not spool them to disk`;
    this.#dropped = 0;
    this.#place({ seq: ++this.#seq, step: null, stream: 'system', line: notice, ts });
  }

  /** Where a system line of the outbox itself goes: the same order rules as `add`. */
  #place(line: AgentLine): void {
    if (this.#spooled === 0 && this.#tail.length === 0) this.#head.push(line);
    else if (this.#spoolBroken || this.#tail.length > 0 || !this.#spool([line])) this.#tail.push(line);
  }

  #overflow(line: AgentLine): void {
    const bound = this.#options.maxMemoryLines ?? 20_000;
    if (this.#head.length + this.#tail.length < bound) this.#tail.push(this.#number(line));
    else this.#dropped++;
  }

  /** Appends numbered lines to the spool file; false (and the spool is not used again) when it cannot be written. */
  #spool(lines: AgentLine[]): boolean {
    try {
      mkdirSync(dirname(this.#options.spoolFile), { recursive: true });
      appendFileSync(this.#options.spoolFile, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
      if (this.#spooled === 0) this.#options.onNotice(`${this.pending + lines.length} log lines wait for the server: spooling to ${this.#options.spoolFile}`);
      this.#spooled += lines.length;
      return true;
    } catch (err) {
      this.#spoolBroken = true;
      this.#options.onNotice(`cannot spool log lines to ${this.#options.spoolFile} (${(err as Error).message}): keeping up to ${this.#options.maxMemoryLines ?? 20_000} in memory`);
      return false;
    }
  }

  /** Refills `head` from the spool file (oldest first), then from `tail`. */
  #refill(): void {
    if (this.#head.length > 0) return;
    if (this.#spooled > 0) {
      const fd = openSync(this.#options.spoolFile, 'r');
      try {
        const block = Buffer.alloc(1024 * 1024);
        while (this.#spooled > 0 && this.#head.length < BATCH) {
          const read = readSync(fd, block, 0, block.length, this.#readOffset);
          if (read === 0) throw new Error(`the log spool ${this.#options.spoolFile} is shorter than what was written to it`);
          const text = block.subarray(0, read).toString('utf8');
          const end = text.lastIndexOf('\n');
          // One JSON line longer than the block: read it whole.
          const chunk = end === -1 ? readWhole(fd, this.#readOffset) : text.slice(0, end + 1);
          for (const json of chunk.split('\n')) {
            if (json === '') continue;
            this.#head.push(JSON.parse(json) as AgentLine);
            this.#spooled--;
          }
          this.#readOffset += Buffer.byteLength(chunk);
        }
      } finally {
        closeSync(fd);
      }
      if (this.#spooled === 0) {
        rmSync(this.#options.spoolFile, { force: true });
        this.#readOffset = 0;
      }
      return;
    }
    this.#head = this.#tail;
    this.#tail = [];
  }

  #send(): void {
    this.#sending ??= this.#loop()
      .catch((err: unknown) => this.#end(err))
      .finally(() => {
        this.#sending = undefined;
        // Lines added while the sender was finishing.
        if (this.pending > 0 && this.#fatal === undefined) this.#send();
      });
  }

  async #loop(): Promise<void> {
    const { clock } = this.#options;
    let backoff = 200;
    let unreachableSince: number | undefined;
    for (this.#refill(); this.#head.length > 0 && this.#fatal === undefined; this.#refill()) {
      const batch = this.#head.slice(0, BATCH);
      let accepted: number;
      try {
        ({ acceptedUpTo: accepted } = await this.#options.send(batch));
      } catch (err) {
        // Unreachable, or reachable but unable to store them for now (STORE_UNAVAILABLE: its disk is
        // full): keep them and try again, for as long as the lease would last without this agent.
        const forNow = err instanceof AgentCallError && err.retryable;
        unreachableSince ??= clock.now();
        if (!forNow || clock.now() - unreachableSince > this.#options.giveUpAfterMs) return this.#end(err);
        await clock.sleep(backoff);
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        continue;
      }
      unreachableSince = undefined;
      backoff = 200;
      const before = this.#head.length;
      this.#head = this.#head.filter((l) => l.seq > accepted);
      // The server expects lines before the oldest one we still have: nothing we could resend.
      if (this.#head.length === before) return this.#end(new Error(`the server accepted log lines only up to seq ${accepted}`));
    }
  }

  #end(err: unknown): void {
    this.#fatal = err;
    this.close();
  }
}

function readWhole(fd: number, offset: number): string {
  let size = 2 * 1024 * 1024;
  for (;;) {
    const block = Buffer.alloc(size);
    const read = readSync(fd, block, 0, size, offset);
    const text = block.subarray(0, read).toString('utf8');
    const end = text.indexOf('\n');
    if (end !== -1) return text.slice(0, end + 1);
    if (read < size) throw new Error('the log spool file ends inside a line');
    size *= 2;
  }
}
