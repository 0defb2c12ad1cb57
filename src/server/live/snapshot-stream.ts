import type { SseSink, StreamEnd } from './log-stream.js';

export interface SnapshotStreamOptions {
  /** SSE event name of each snapshot (`run`, `runs`). */
  event: string;
  /** Reads the snapshot as the client sees it; `final`: it is the last (sent as `event: end`). */
  load(): Promise<{ view: unknown; final?: boolean }>;
  sink: SseSink;
  /** News within this window is sent as one snapshot (default 50 ms): a burst of writes is one event. */
  coalesceMs?: number;
  /** How often the snapshot is re-read without news (default: every heartbeat). */
  rereadMs?: number;
  heartbeatMs?: number;
  retryMs?: number;
  maxBufferedBytes?: number;
  onError?: (err: unknown) => void;
  /** Called once when the stream closes, whatever the reason (release subscriptions here). */
  onClose?: () => void;
}

/**
 * An SSE stream of whole snapshots: one at once, then one after news (`nudge`, coalesced), and a
 * re-read every `rereadMs` as a safety net for news lost or made by another process. Whole
 * snapshots rather than deltas, so a client that reconnects needs no resume point and can never be
 * out of step; a snapshot equal to the last one sent is not sent again. One read at a time: news
 * during a read makes one more read after it. Ends with a final snapshot (`event: end`), a failed
 * read, a client too slow to take its bytes, or `stop`.
 */
export class SnapshotStream {
  readonly #o: SnapshotStreamOptions;
  readonly done: Promise<StreamEnd>;
  #resolve!: (why: StreamEnd) => void;
  #lastText = '';
  #timer: NodeJS.Timeout | undefined;
  #reread: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #loading = false;
  #again = false;
  #closed = false;

  constructor(options: SnapshotStreamOptions) {
    this.#o = options;
    this.done = new Promise((resolve) => (this.#resolve = resolve));
  }

  get closed(): boolean {
    return this.#closed;
  }

  start(): void {
    const heartbeatMs = this.#o.heartbeatMs ?? 15_000;
    this.#write(`retry: ${this.#o.retryMs ?? 1000}\n\n`);
    this.#heartbeat = setInterval(() => this.#write(': keepalive\n\n'), heartbeatMs);
    this.#reread = setInterval(() => this.nudge(), this.#o.rereadMs ?? heartbeatMs);
    void this.#send();
  }

  stop(why: StreamEnd): void {
    this.#close(why);
  }

  /** Something changed: send a fresh snapshot soon. */
  nudge(): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#send();
    }, this.#o.coalesceMs ?? 50);
  }

  async #send(): Promise<void> {
    if (this.#loading) {
      this.#again = true;
      return;
    }
    this.#loading = true;
    try {
      do {
        this.#again = false;
        const { view, final } = await this.#o.load();
        if (this.#closed) return;
        const text = JSON.stringify(view);
        if (final) {
          this.#write(`event: end\ndata: ${text}\n\n`);
          return this.#close('run-ended');
        }
        if (text !== this.#lastText) {
          this.#lastText = text;
          this.#write(`event: ${this.#o.event}\ndata: ${text}\n\n`);
        }
      } while (this.#again && !this.#closed);
    } catch (err) {
      this.#o.onError?.(err);
      this.#close('failed');
    } finally {
      this.#loading = false;
    }
  }

  #write(text: string): void {
    if (this.#closed) return;
    this.#o.sink.write(text);
    if (this.#o.sink.bufferedBytes() > (this.#o.maxBufferedBytes ?? 1024 * 1024)) this.#close('slow-client');
  }

  #close(why: StreamEnd): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    clearInterval(this.#reread);
    clearInterval(this.#heartbeat);
    this.#o.onClose?.();
    this.#o.sink.end();
    this.#resolve(why);
  }
}
