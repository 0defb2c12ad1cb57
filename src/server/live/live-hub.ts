import type { LogLine } from '../../store/index.js';

export type Unsubscribe = () => void;

/**
 * In-process fan-out of "something was stored" news to live readers (SSE streams).
 *
 * The run service publishes AFTER a write is durable: `publishLogs` with the lines of one job's
 * batch (seq order within a job), `publishRunChanged` after any write about a run, its jobs or steps.
 * Listeners run synchronously on the publisher's call, in subscription order, so they must only
 * buffer and schedule work; a throwing listener is ignored (it cannot break the engine or other
 * listeners). News is a hint, not the record: a reader that misses some (it subscribed late, it
 * dropped an overfull buffer) catches up from the store, which is why lines carry their seq.
 * Subscriptions end with the returned function (idempotent). Single-threaded: no locking.
 */
export interface LiveHub {
  publishLogs(runId: number, jobId: string, lines: readonly LogLine[]): void;
  publishRunChanged(runId: number): void;
  subscribeLogs(runId: number, jobId: string, listener: (lines: readonly LogLine[]) => void): Unsubscribe;
  subscribeRun(runId: number, listener: () => void): Unsubscribe;
  /** Live subscriptions of both kinds (tests, metrics). */
  subscriberCount(): number;
}

export function createLiveHub(): LiveHub {
  const logs = new Map<string, Set<(lines: readonly LogLine[]) => void>>();
  const runs = new Map<number, Set<() => void>>();
  let count = 0;

  function add<K, L>(map: Map<K, Set<L>>, key: K, listener: L): Unsubscribe {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    // A wrapper per subscription, so one listener subscribed twice is two subscriptions.
    const entry = ((...args: unknown[]) => (listener as (...a: unknown[]) => void)(...args)) as L;
    set.add(entry);
    count++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      count--;
      set.delete(entry);
      if (set.size === 0 && map.get(key) === set) map.delete(key);
    };
  }

  function each<L extends (...args: never[]) => void>(set: Set<L> | undefined, call: (listener: L) => void): void {
    if (!set) return;
    for (const listener of [...set]) {
      try {
        call(listener);
      } catch {
        // See the interface: a reader's fault stays with that reader.
      }
    }
  }

  return {
    publishLogs: (runId, jobId, lines) => {
      if (lines.length > 0) each(logs.get(`${runId}/${jobId}`), (l) => l(lines));
    },
    publishRunChanged: (runId) => each(runs.get(runId), (l) => l()),
    subscribeLogs: (runId, jobId, listener) => add(logs, `${runId}/${jobId}`, listener),
    subscribeRun: (runId, listener) => add(runs, runId, listener),
    subscriberCount: () => count,
  };
}
