/**
 * One fetch at a time per key, with callers coalesced.
 *
 * A caller must get a fetch that STARTED AFTER it called: a webhook for push B that joined a fetch
 * already talking to the remote for push A could miss B's commit. So per key there is at most one
 * running task and one queued task; every caller that arrives while a task runs joins the queued
 * one, which starts when the running one ends (whatever its outcome). Callers arriving in the same
 * tick while nothing runs share one task (its start waits one macrotask to let them join).
 * The gate forgets a key when it goes idle, so it holds no memory for idle projects.
 */
export interface SyncGate {
  run(key: string | number, task: () => Promise<void>): Promise<void>;
  /** True while a task for the key runs or waits. */
  busy(key: string | number): boolean;
}

interface Slot {
  running: Promise<void> | undefined;
  queued: Promise<void> | undefined;
}

export function createSyncGate(): SyncGate {
  const slots = new Map<string | number, Slot>();

  function run(key: string | number, task: () => Promise<void>): Promise<void> {
    let slot = slots.get(key);
    if (!slot) {
      slot = { running: undefined, queued: undefined };
      slots.set(key, slot);
    }
    if (slot.queued) return slot.queued;
    const s = slot;
    const previous = s.running;
    // A holder, because the task must know its own promise to mark itself running.
    const self: { promise?: Promise<void> } = {};
    const queued = (async () => {
      if (previous) await previous.catch(() => undefined);
      else await new Promise<void>((resolve) => setImmediate(resolve));
      s.queued = undefined;
      s.running = self.promise;
      try {
        await task();
      } finally {
        if (s.running === self.promise) s.running = undefined;
        if (!s.running && !s.queued && slots.get(key) === s) slots.delete(key);
      }
    })();
    self.promise = queued;
    s.queued = queued;
    return queued;
  }

  return { run, busy: (key) => slots.has(key) };
}
