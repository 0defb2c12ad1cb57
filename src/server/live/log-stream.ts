import { isFinal, type Status } from '../../core/index.js';
import type { LogLine, Store } from '../../store/index.js';
import type { LiveHub, Unsubscribe } from './live-hub.js';
import { batchEvents, logEvent, LogPages } from './log-pages.js';

/** Where a stream writes its text/event-stream bytes (an HTTP response; a test's buffer). */
export interface SseSink {
  write(chunk: string): void;
  /** Bytes written but not yet taken by the peer (socket backpressure). */
  bufferedBytes(): number;
  /** End the response (idempotent). */
  end(): void;
  /**
   * Resolves when the bytes waiting have been taken (or the peer is gone). With it a stream that gets
   * ahead of its peer pauses instead of closing (see LogStream).
   */
  drained?(): Promise<void>;
}

export interface LogStreamOptions {
  store: Pick<Store, 'logs' | 'runs'>;
  hub: LiveHub;
  runId: number;
  jobId: string;
  /** Send lines with seq > after (0 = from the start; a reconnect's Last-Event-ID). */
  after: number;
  sink: SseSink;
  /** Lines per store read while replaying (default 1000). */
  pageSize?: number;
  /** Formatted store pages shared by all streams (the route passes one); default: a cache of its own. */
  pages?: LogPages;
  /** Live lines held while a replay is in progress; beyond it they are dropped and re-read (default 10 000). */
  maxPendingLines?: number;
  /** The peer is behind when this many bytes wait in the socket: pause until it drains, or close (default 1 MiB). */
  maxBufferedBytes?: number;
  heartbeatMs?: number;
  /** `retry:` hint for reconnecting clients (default 1000 ms). */
  retryMs?: number;
  onError?: (err: unknown) => void;
}

/** Why a stream ended: the job ended (`end` was sent), the peer went away or lagged, the server closes. */
export type StreamEnd = 'job-ended' | 'run-ended' | 'client-gone' | 'slow-client' | 'server-closing' | 'failed';

/** Data of the final `event: end`. */
export interface LogStreamEnd {
  /** The job's final status; the run's when the run ended without finishing the job. */
  status: Status;
  reason: string | null;
  runStatus: Status;
  /** seq of the last line (the stream sent every line up to it). */
  lastSeq: number;
}

/**
 * One SSE stream of one job's log: replay from the store, then live lines, then `event: end`.
 *
 * No gap, no duplicate: it subscribes to the hub BEFORE reading the store, keeps live batches in a
 * pending list while a read is in flight, and sends only lines with seq = last sent + 1 onward; a
 * live batch that does not continue the last sent seq (missed or dropped news) triggers a re-read
 * from the store instead. Everything runs on one serial pump, so sends never interleave. The end is
 * detected from the job's stored status; since the engine records a job's end only after its log
 * lines are durable, a final read after seeing it sends every line before `end`.
 * Heartbeat: a comment every `heartbeatMs`, which also re-reads the store and the status (a safety
 * net for news lost or published by another process).
 */
export class LogStream {
  readonly #o: LogStreamOptions;
  readonly #pages: LogPages;
  readonly done: Promise<StreamEnd>;
  #resolve!: (why: StreamEnd) => void;
  #lastSent: number;
  /** Live batches as the hub handed them (the same arrays every follower gets), and their lines. */
  #pending: (readonly LogLine[])[] = [];
  #pendingLines = 0;
  #needRead = true;
  #checkStatus = true;
  #pumping = false;
  #closed = false;
  #unsubscribe: Unsubscribe[] = [];
  #heartbeat: NodeJS.Timeout | undefined;
  /** Waiting for the peer to take what was sent; heartbeats seen meanwhile. */
  #draining: { beats: number } | undefined;

  constructor(options: LogStreamOptions) {
    this.#o = options;
    this.#pages = options.pages ?? new LogPages(1);
    this.#lastSent = options.after;
    this.done = new Promise((resolve) => (this.#resolve = resolve));
  }

  get lastSent(): number {
    return this.#lastSent;
  }

  start(): void {
    const { hub, runId, jobId } = this.#o;
    this.#unsubscribe.push(
      hub.subscribeLogs(runId, jobId, (lines) => this.#onLines(lines)),
      hub.subscribeRun(runId, () => this.#poke(false, true)),
    );
    this.#o.sink.write(`retry: ${this.#o.retryMs ?? 1000}\n\n`);
    this.#heartbeat = setInterval(() => {
      if (this.#draining && this.#draining.beats++ >= 1) return this.#close('slow-client');
      this.#write(': keepalive\n\n');
      this.#poke(true, true);
    }, this.#o.heartbeatMs ?? 15_000);
    this.#schedule();
  }

  /** Ends the stream without `end` (client gone, server closing); the client resumes. */
  stop(why: StreamEnd): void {
    this.#close(why);
  }

  #onLines(lines: readonly LogLine[]): void {
    if (this.#closed) return;
    this.#pending.push(lines);
    this.#pendingLines += lines.length;
    if (this.#pendingLines > (this.#o.maxPendingLines ?? 10_000)) {
      this.#pending = [];
      this.#pendingLines = 0;
      this.#needRead = true;
    }
    this.#schedule();
  }

  #poke(read: boolean, status: boolean): void {
    this.#needRead ||= read;
    this.#checkStatus ||= status;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#pumping || this.#closed || this.#draining) return;
    this.#pumping = true;
    void this.#pump()
      .catch((err: unknown) => {
        this.#o.onError?.(err);
        this.#close('failed');
      })
      .finally(() => {
        this.#pumping = false;
        if (!this.#closed && (this.#needRead || this.#checkStatus || this.#pending.length > 0)) this.#schedule();
      });
  }

  async #pump(): Promise<void> {
    while (!this.#closed && !this.#draining) {
      if (this.#needRead) {
        this.#needRead = false;
        await this.#readStore();
      } else if (this.#pending.length > 0) {
        const batches = this.#pending;
        this.#pending = [];
        this.#pendingLines = 0;
        for (const batch of batches) {
          // Once behind or off sequence, the rest is read back from the store.
          if (this.#needRead || this.#draining) this.#needRead = true;
          else this.#sendLive(batch);
        }
      } else if (this.#checkStatus) {
        this.#checkStatus = false;
        const end = await this.#finalStatus();
        if (end) {
          await this.#readStore();
          if (this.#draining) {
            this.#checkStatus = true; // `end` goes after every line, once the peer caught up
            return;
          }
          this.#write(`event: end\ndata: ${JSON.stringify({ ...end, lastSeq: this.#lastSent } satisfies LogStreamEnd)}\n\n`);
          return this.#close('job-ended');
        }
      } else return;
    }
  }

  #sendLive(batch: readonly LogLine[]): void {
    const next = this.#lastSent + 1;
    // The usual case: the batch goes on exactly where this stream is; its text is shared by all followers.
    if (batch.length > 0 && batch.every((l, i) => l.seq === next + i)) return this.#send(batchEvents(batch), batch.at(-1)!.seq);
    const fresh = batch.filter((l) => l.seq > this.#lastSent).sort((a, b) => a.seq - b.seq);
    if (fresh.length === 0) return;
    if (fresh.some((l, i) => l.seq !== next + i)) {
      this.#needRead = true; // the store has them (news comes after the write is durable)
      return;
    }
    this.#send(fresh.map(logEvent).join(''), fresh.at(-1)!.seq);
  }

  async #readStore(): Promise<void> {
    const size = this.#o.pageSize ?? 1000;
    while (!this.#closed) {
      const page = await this.#pages.read(this.#o.store.logs, this.#o.runId, this.#o.jobId, Math.floor(this.#lastSent / size), size);
      this.#send(page.eventsAfter(this.#lastSent), page.lastSeq);
      if (page.count < size || this.#draining) return;
    }
  }

  async #finalStatus(): Promise<Omit<LogStreamEnd, 'lastSeq'> | undefined> {
    const { store, runId, jobId } = this.#o;
    const [job, run] = [await store.runs.getJob(runId, jobId), await store.runs.get(runId)];
    if (!run) return { status: 'error', reason: 'the run was deleted', runStatus: 'error' };
    if (job && isFinal(job.status)) return { status: job.status, reason: job.reason, runStatus: run.status };
    if (isFinal(run.status)) return { status: run.status, reason: run.reason, runStatus: run.status };
    return undefined;
  }

  /** Events up to `lastSeq` in one write: many events, one syscall. */
  #send(events: string, lastSeq: number): void {
    if (this.#closed || events === '') return;
    this.#lastSent = lastSeq;
    this.#write(events);
  }

  #write(text: string): void {
    if (this.#closed) return;
    this.#o.sink.write(text);
    if (this.#o.sink.bufferedBytes() > (this.#o.maxBufferedBytes ?? 1024 * 1024)) this.#behind();
  }

  /**
   * The peer takes less than we send (a slow network, or fifty followers in one busy process). With a
   * sink that tells when it drained, pause: send nothing more until it did, then go on from the store
   * (live lines keep arriving there; read back in shared pages, it costs little). This paces each
   * follower to its own speed without closing it. A peer that takes nothing for a whole heartbeat
   * interval, or a sink that cannot tell, is closed: it resumes with Last-Event-ID.
   */
  #behind(): void {
    const { sink } = this.#o;
    if (!sink.drained) return this.#close('slow-client');
    if (this.#draining) return;
    this.#draining = { beats: 0 };
    void sink.drained().then(() => {
      this.#draining = undefined;
      this.#poke(true, false);
    });
  }

  #close(why: StreamEnd): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#pending = [];
    this.#o.sink.end();
    this.#resolve(why);
  }
}
