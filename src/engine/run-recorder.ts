import type { RunEvent } from '../core/index.js';
import type { Plan } from '../pipeline/index.js';
import type { JobUpsert, RunStore, RunWrite, StepUpsert } from '../store/index.js';
import { batcherFor, type BatchOwner, type RecordBatcher } from './record-batcher.js';

/** The slice of a pino logger the engine uses (pino's Logger fits). */
export interface EngineLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: EngineLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Persists one run's life in the store, in the order things happened: every engine event (jobs,
 * steps, the run's end) and the queue's news (leased, why a job waits) become store writes, queued
 * in order on the store's group commit (RecordBatcher): what happens in one turn of the event loop
 * is committed in one transaction, and a later write never lands before an earlier one. A failed
 * write is logged and the others go on (the run itself is not stopped by a store hiccup).
 * `flush` resolves once everything asked for so far is durable; `detach` stops writing (server
 * shutdown: whatever has not happened stays as stored, to resume).
 */
export class RunRecorder implements BatchOwner {
  readonly runId: number;
  readonly logger: EngineLogger;
  readonly #batcher: RecordBatcher;
  readonly #now: () => number;
  readonly #onChanged: ((runId: number) => void) | undefined;
  #detached = false;
  /** Jobs already stored (resumed run): run:started does not insert them again. */
  readonly #known: Set<string>;

  constructor(options: { runs: Pick<RunStore, 'applyWrites'>; runId: number; logger: EngineLogger; now: () => number; knownJobs?: Iterable<string>; onChanged?: (runId: number) => void }) {
    this.#batcher = batcherFor(options.runs);
    this.runId = options.runId;
    this.logger = options.logger;
    this.#now = options.now;
    this.#known = new Set(options.knownJobs ?? []);
    this.#onChanged = options.onChanged;
  }

  get detached(): boolean {
    return this.#detached;
  }

  /** Resolves when every write asked for so far is stored (or its failure logged). */
  flush(): Promise<void> {
    return this.#batcher.barrier();
  }

  detach(): void {
    this.#detached = true;
  }

  changed(): void {
    this.#onChanged?.(this.runId);
  }

  readonly onEvent = (event: RunEvent): void => {
    switch (event.type) {
      case 'run:started':
        for (const job of event.jobs) {
          if (this.#known.has(job.id)) continue;
          const reason = job.needs.length > 0 ? `waiting for ${job.needs.join(', ')}` : null;
          this.job({ jobId: job.id, name: job.name, status: 'queued', reason, queuedAt: event.ts });
        }
        return;
      case 'job:started':
        return this.job({ jobId: event.job, status: 'queued', attempt: event.attempt, reason: 'waiting for an agent', queuedAt: event.ts, startedAt: null, finishedAt: null });
      case 'job:retrying':
        return this.job({ jobId: event.job, status: 'queued', attempt: event.attempt, reason: `retry in ${event.delayMs} ms: ${event.reason}`, queuedAt: event.ts, finishedAt: null });
      case 'job:finished':
        return this.job({ jobId: event.job, status: event.status, reason: event.reason ?? null, attempt: event.attempt, finishedAt: event.ts, outputs: event.outputs });
      case 'job:skipped':
        return this.job({ jobId: event.job, status: 'skipped', reason: event.reason, finishedAt: event.ts });
      case 'step:started':
        return this.step({ jobId: event.job, step: event.step, name: event.name, status: 'running', reason: null, exitCode: null, startedAt: event.ts, finishedAt: null });
      case 'step:finished':
        return this.step({ jobId: event.job, step: event.step, name: event.name, status: event.status, reason: event.reason ?? null, exitCode: event.exitCode ?? null, finishedAt: event.ts });
      case 'run:finished':
        return this.#write('run:finished', { kind: 'run', runId: this.runId, patch: { status: event.status, reason: event.reason ?? null }, ifStatus: ['running'] });
      case 'log':
        return; // lines reach the LogStore through the agent protocol, with the agent's seq
    }
  };

  jobLeased(jobId: string, agentId: string): void {
    void agentId;
    this.job({ jobId, status: 'running', reason: null, startedAt: this.#now() });
  }

  jobReason(jobId: string, reason: string): void {
    this.job({ jobId, reason });
  }

  job(patch: Omit<JobUpsert, 'runId'>): void {
    this.#write(`job ${patch.jobId}`, { kind: 'job', upsert: { runId: this.runId, ...patch } });
  }

  step(patch: Omit<StepUpsert, 'runId'>): void {
    this.#write(`step ${patch.jobId}#${patch.step}`, { kind: 'step', upsert: { runId: this.runId, ...patch } });
  }

  #write(what: string, write: RunWrite): void {
    if (this.#detached) return;
    this.#batcher.add(this, write, what);
  }
}

/** Job names by id for a plan (inserting a job record needs its name). */
export function jobNames(plan: Plan): Map<string, string> {
  return new Map(plan.jobs.map((job) => [job.id, job.name]));
}
