import type { LiveHub, Unsubscribe } from './live-hub.js';
import type { SseSink, StreamEnd } from './log-stream.js';
import { SnapshotStream } from './snapshot-stream.js';

export interface RunWatchOptions {
  hub: LiveHub;
  runId: number;
  /** Reads the run as the client sees it, and whether it has ended. */
  load(): Promise<{ view: unknown; final: boolean }>;
  sink: SseSink;
  /** News within this window is sent as one snapshot (default 50 ms): a burst of step writes is one event. */
  coalesceMs?: number;
  heartbeatMs?: number;
  retryMs?: number;
  maxBufferedBytes?: number;
  onError?: (err: unknown) => void;
}

/**
 * One SSE stream of one run's state: `event: run` with the whole run (jobs, steps, statuses,
 * reasons) at once and after every change, then `event: end` with the final run, then the stream
 * ends (a SnapshotStream). Changes come from the hub (published after the write is durable); every
 * heartbeat re-reads too, a safety net for news lost or written by another process.
 */
export class RunWatch {
  readonly #stream: SnapshotStream;
  readonly #options: RunWatchOptions;
  #unsubscribe: Unsubscribe | undefined;

  constructor(options: RunWatchOptions) {
    this.#options = options;
    this.#stream = new SnapshotStream({ ...options, event: 'run', onClose: () => this.#unsubscribe?.() });
  }

  get done(): Promise<StreamEnd> {
    return this.#stream.done;
  }

  start(): void {
    this.#unsubscribe = this.#options.hub.subscribeRun(this.#options.runId, () => this.#stream.nudge());
    this.#stream.start();
  }

  stop(why: StreamEnd): void {
    this.#stream.stop(why);
  }
}
