import type { LiveHub, Unsubscribe } from './live-hub.js';
import type { SseSink, StreamEnd } from './log-stream.js';
import { SnapshotStream } from './snapshot-stream.js';

export interface ProjectRunsWatchOptions {
  hub: LiveHub;
  /** Reads the list as the client sees it, and the ids of the runs in it (their news is watched). */
  load(): Promise<{ view: unknown; runIds: readonly number[] }>;
  sink: SseSink;
  /** The SSE event name of the snapshots (default `runs`). */
  event?: string;
  /** News within this window is sent as one snapshot (default 50 ms). */
  coalesceMs?: number;
  /**
   * How often the list is re-read without news (default 2 s): the hub tells about runs by id, so a
   * run created since the last read (a push, a cron tick, another user's trigger) is found this way.
   */
  pollMs?: number;
  heartbeatMs?: number;
  retryMs?: number;
  maxBufferedBytes?: number;
  onError?: (err: unknown) => void;
}

/**
 * One SSE stream of a list of runs — a project's runs list, or the latest run per branch of every
 * project: `event: runs` (or `event`) with the whole list (as the matching GET route answers it) at
 * once and after every change (a SnapshotStream, as RunWatch is for one run).
 *
 * Changes of the runs in the list come from the hub (subscribed per run id and re-subscribed after
 * every read, as runs enter and leave the list); new runs are found by re-reading every `pollMs`.
 * The stream has no natural end: it ends when the client goes, the client is too slow, a read fails,
 * or the server closes.
 */
export class ProjectRunsWatch {
  readonly #stream: SnapshotStream;
  readonly #options: ProjectRunsWatchOptions;
  readonly #subscriptions = new Map<number, Unsubscribe>();

  constructor(options: ProjectRunsWatchOptions) {
    this.#options = options;
    this.#stream = new SnapshotStream({
      ...options,
      event: options.event ?? 'runs',
      rereadMs: options.pollMs ?? 2000,
      load: async () => {
        const { view, runIds } = await options.load();
        if (!this.#stream.closed) this.#watch(runIds);
        return { view };
      },
      onClose: () => {
        for (const unsubscribe of this.#subscriptions.values()) unsubscribe();
        this.#subscriptions.clear();
      },
    });
  }

  get done(): Promise<StreamEnd> {
    return this.#stream.done;
  }

  start(): void {
    this.#stream.start();
  }

  stop(why: StreamEnd): void {
    this.#stream.stop(why);
  }

  /** Runs watched through the hub now (tests). */
  watchedRuns(): number[] {
    return [...this.#subscriptions.keys()];
  }

  #watch(runIds: readonly number[]): void {
    const wanted = new Set(runIds);
    for (const [id, unsubscribe] of this.#subscriptions) {
      if (wanted.has(id)) continue;
      unsubscribe();
      this.#subscriptions.delete(id);
    }
    for (const id of wanted) {
      if (!this.#subscriptions.has(id)) this.#subscriptions.set(id, this.#options.hub.subscribeRun(id, () => this.#stream.nudge()));
    }
  }
}
