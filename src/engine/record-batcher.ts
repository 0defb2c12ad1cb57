import type { RunStore, RunWrite } from '../store/index.js';

/** Who queued a write: told after it is stored, and whether it still wants it written. */
export interface BatchOwner {
  readonly runId: number;
  readonly logger: { error(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  readonly detached: boolean;
  /** After a flush that stored writes of this owner (live streams re-read the store). */
  changed(): void;
}

interface Pending {
  owner: BatchOwner;
  write: RunWrite;
  /** For the log line when it fails: "job build", "step build#0", "run:finished". */
  what: string;
}

/**
 * Group commit for the run recorders of one store. Every write the engine asks for in one turn of
 * the event loop (and in the turns that come while a flush is running) goes into ONE
 * `RunStore.applyWrites` transaction — one commit and one fsync instead of one per write; a one-job
 * run used to commit ~8 times. Flushes start two `setImmediate`s later, so no timer delays a write,
 * and run one at a time, in order: a later write never lands before an earlier one.
 *
 * Why two: a commit's fsync holds the event loop (better-sqlite3 is synchronous), and what the
 * engine records is mostly the echo of something it just answered — a lease granted to a remote
 * agent records "job running" in the same turn as the gRPC answer is written. Node sends HTTP/2
 * frames from its own immediate queue, after the JS immediates already queued; flushing one turn
 * later lets the answer leave before the fsync (bench:agents: the lease's trip to a remote agent
 * went from 5–9 to 3–4 ms).
 *
 * Coalescing: a job or step patch for a row that already has a patch waiting is merged into that
 * one (fields given later win). The queue's positional reasons ("12 higher-priority jobs ahead")
 * change for every waiting job whenever one leaves; merged, 200 waiting jobs cost 200 row writes
 * per flush, not per change.
 *
 * Durability: `barrier()` resolves once every write queued before the call is committed (or failed
 * and was logged). Callers that acknowledge a transition to someone (the agent's step report or
 * `done`) await it first.
 *
 * A store that cannot take writes for now (STORE_UNAVAILABLE: a full disk, an I/O error, a lock held
 * too long) loses none of them: the failed writes are tried again, 100 ms → 5 s apart, until they are
 * stored, and later writes wait behind them so order holds (the outage is logged when it starts and
 * when it ends). Writes refused for good (a constraint, a closed store) are logged and dropped.
 */
export class RecordBatcher {
  readonly #runs: Pick<RunStore, 'applyWrites'>;
  #pending: Pending[] = [];
  /** Job and step rows with a patch in #pending, by row. */
  readonly #open = new Map<string, Pending>();
  #scheduled = false;
  /** Settles when the last flush asked for so far has ended. */
  #last: Promise<void> = Promise.resolve();
  /** Why writes wait, while the store refuses them for now. */
  #refusal: Error | undefined;

  constructor(runs: Pick<RunStore, 'applyWrites'>) {
    this.#runs = runs;
  }

  add(owner: BatchOwner, write: RunWrite, what: string): void {
    const key = rowKey(write);
    const open = key === undefined ? undefined : this.#open.get(key);
    if (open && open.owner === owner && open.write.kind !== 'run' && write.kind === open.write.kind) {
      mergeDefined(open.write.upsert, (write as typeof open.write).upsert);
      return;
    }
    const pending = { owner, write, what };
    this.#pending.push(pending);
    if (key !== undefined) this.#open.set(key, pending);
    this.#schedule();
  }

  /** While writes wait for a store that refuses them for now (a full disk): why (readiness shows it). */
  refusal(): Error | undefined {
    return this.#refusal;
  }

  /** Resolves when everything added so far is stored (or its failure logged). */
  barrier(): Promise<void> {
    return this.#last;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // A flush never rejects the chain (a throwing logger must not stop every later flush).
    this.#last = this.#last
      .then(() => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)))) // see the class comment
      .then(() => this.#flush())
      .catch(() => undefined);
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    let batch = this.#pending.filter((p) => !p.owner.detached);
    this.#pending = [];
    this.#open.clear();
    let tries = 0;
    while (batch.length > 0) {
      const retry = await this.#apply(batch, tries);
      if (tries > 0 && retry.length === 0) batch[0]!.owner.logger.warn({ tries: tries + 1 }, 'the store takes writes again: recorded what had waited');
      if (retry.length === 0) break;
      await new Promise<void>((resolve) => setTimeout(resolve, Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** tries)));
      tries++;
      batch = retry.filter((p) => !p.owner.detached);
    }
    this.#refusal = undefined;
  }

  /** One applyWrites of the batch; returns the writes to try again (refused for now, not for good). */
  async #apply(batch: readonly Pending[], tries: number): Promise<Pending[]> {
    let errors: (Error | undefined)[];
    try {
      errors = await this.#runs.applyWrites(batch.map((p) => p.write));
    } catch (err) {
      errors = batch.map(() => err as Error);
    }
    const changed = new Set<BatchOwner>();
    const retry: Pending[] = [];
    batch.forEach((p, i) => {
      const err = errors[i];
      if (!err) changed.add(p.owner);
      else if (refusedForNow(err)) retry.push(p);
      else p.owner.logger.error({ err, runId: p.owner.runId }, `could not record ${p.what}`);
    });
    if (retry.length > 0) this.#refusal = errors[batch.indexOf(retry[0]!)];
    if (retry.length > 0 && tries === 0) {
      const first = retry[0]!;
      first.owner.logger.error({ err: this.#refusal, runId: first.owner.runId }, `could not record ${retry.length} writes (${first.what}…) for now: trying again until the store takes them`);
    }
    for (const owner of changed) {
      try {
        owner.changed();
      } catch {
        // Listeners (live streams) re-read the store; their faults must not break the flush.
      }
    }
    return retry;
  }
}

const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5000;

/** Retryable (the store is busy, full or unreachable), unless the store was closed: that is for good. */
function refusedForNow(err: Error): boolean {
  const { retryable, details } = err as { retryable?: unknown; details?: { closed?: unknown } };
  return retryable === true && details?.closed !== true;
}

const batchers = new WeakMap<object, RecordBatcher>();

/** The one batcher of a store (all runs of a store share its transactions). */
export function batcherFor(runs: Pick<RunStore, 'applyWrites'>): RecordBatcher {
  let batcher = batchers.get(runs);
  if (!batcher) {
    batcher = new RecordBatcher(runs);
    batchers.set(runs, batcher);
  }
  return batcher;
}

function rowKey(write: RunWrite): string | undefined {
  if (write.kind === 'job') return `job ${write.upsert.runId} ${write.upsert.jobId}`;
  if (write.kind === 'step') return `step ${write.upsert.runId} ${write.upsert.jobId} ${write.upsert.step}`;
  return undefined;
}

/** Upserts treat undefined as "not given", so only given fields overwrite. */
function mergeDefined(into: object, from: object): void {
  for (const [k, v] of Object.entries(from)) if (v !== undefined) (into as Record<string, unknown>)[k] = v;
}
