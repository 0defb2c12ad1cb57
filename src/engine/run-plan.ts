import { GantryError, systemClock } from '../core/index.js';
import type { Clock, RunEvent, RunEventInput, Status } from '../core/index.js';
import type { Plan } from '../pipeline/index.js';
import { buildJobGraph, type JobGraph } from './critical-path.js';
import type { JobExecutor } from './executor.js';
import { runAttempts, type Ending } from './job-attempts.js';
import { decideJob, runsOnFailure } from './job-conditions.js';
import { endedOf, newJobState, type JobState } from './job-state.js';
import { buildNeedsContext, effectiveResult } from './needs-context.js';
import { ReadyQueue } from './ready-queue.js';
import type { JobResult, RunOptions, RunResult } from './run-options.js';
import { runStatus } from './run-status.js';

/**
 * The run state machine.
 *
 * Every job is `pending` until all of ITS OWN needs have ended (no waiting for a "level"). Then it
 * is *decided* (job-conditions.ts): skipped, ended `error` (bad condition), or put in the ready
 * queue. The ready queue is a heap ordered by critical-path priority (own estimate + longest chain
 * of dependents' estimates), ties by file order; up to `parallel` jobs leave it to run. A running
 * job goes through attempts: `job:started` → executor → maybe `job:retrying` + backoff sleep →
 * `job:started` again, until an attempt is final; then `job:finished`. Ending a job counts down
 * its dependents' pending needs; those reaching zero are decided in turn. The run ends when every
 * job has ended, with `run:finished` as the last event.
 *
 * Two run-wide flags change decisions:
 * - fail-fast (plan.failFast): the first job ending failure/error without continue_on_error
 *   aborts every running job (they end `canceled`) except those written to run on failure, and
 *   every job not started yet is re-decided — it is skipped unless its condition calls
 *   always()/failure()/cancelled().
 * - canceled (options.signal aborted): every running job is aborted, every job not started is
 *   skipped unless its condition calls always()/cancelled(); the run ends `canceled`.
 *
 * Resume (options.resume, after a server restart): jobs that had already ended take their stored
 * result back before anything is decided — silently, needs first, fail-fast flag included — so
 * their dependents are decided as if the run had never stopped; the others start at their
 * `nextAttempt`.
 *
 * All of this happens on the one JavaScript thread: state changes are synchronous, and the only
 * awaits are the executor and the backoff sleep, so no locks are needed. Decisions are processed
 * from a work list rather than by recursion, so a long chain of skips cannot overflow the stack.
 */
export function runPlan(plan: Plan, options: RunOptions): Promise<RunResult> {
  if (!Number.isInteger(options.parallel) || options.parallel < 1) {
    return Promise.reject(new GantryError('CONFIG_INVALID', `parallel must be an integer ≥ 1, got ${options.parallel}`));
  }
  return new PlanRun(plan, options).start();
}

class PlanRun {
  readonly #plan: Plan;
  readonly #options: RunOptions;
  readonly #executor: JobExecutor;
  readonly #clock: Clock;
  readonly #graph: JobGraph;
  readonly #jobs: JobState[];
  readonly #queue: ReadyQueue<JobState>;
  readonly #toDecide: JobState[] = [];
  #seq = 0;
  #running = 0;
  #ended = 0;
  #advancing = false;
  #failFastBy: string | undefined;
  #canceled = false;
  #cancelReason = 'run canceled';
  #listenerError: unknown;
  #finished = false;
  #startedAt = 0;
  #resolve: (result: RunResult) => void = () => undefined;

  constructor(plan: Plan, options: RunOptions) {
    this.#plan = plan;
    this.#options = options;
    this.#executor = options.executor;
    this.#clock = options.clock ?? systemClock;
    this.#graph = buildJobGraph(plan.jobs, options.estimates);
    this.#jobs = plan.jobs.map((job, index) => newJobState(job, index, this.#graph.needs[index]!.length));
    const priority = this.#graph.priority;
    this.#queue =
      options.order === 'file'
        ? new ReadyQueue((a, b) => a.index < b.index)
        : new ReadyQueue((a, b) => priority[a.index]! > priority[b.index]! || (priority[a.index] === priority[b.index] && a.index < b.index));
  }

  start(): Promise<RunResult> {
    const done = new Promise<RunResult>((resolve) => (this.#resolve = resolve));
    this.#startedAt = this.#clock.monotonic();
    const jobs = this.#plan.jobs.map((job) => ({ id: job.id, name: job.name, needs: [...job.needs] }));
    this.#emit({ type: 'run:started', jobs });
    const signal = this.#options.signal;
    if (signal?.aborted) {
      this.#canceled = true;
      this.#cancelReason = cancelReasonOf(signal);
    } else signal?.addEventListener('abort', this.#onCancel, { once: true });
    for (const state of this.#jobs) this.#failInvalid(state);
    this.#restoreEnded();
    for (const state of this.#jobs) if (state.phase === 'pending' && state.pendingNeeds === 0) this.#toDecide.push(state);
    this.#advance();
    return done.then((result) => {
      signal?.removeEventListener('abort', this.#onCancel);
      if (this.#listenerError !== undefined) throw this.#listenerError;
      return result;
    });
  }

  /** Jobs the graph says can never become ready end `error` up front. */
  #failInvalid(state: JobState): void {
    const unknown = this.#graph.unknownNeeds.get(state.index);
    if (unknown) this.#end(state, { status: 'error', reason: `needs unknown job ${unknown.map((id) => `'${id}'`).join(', ')}` });
    else if (this.#graph.blocked.has(state.index)) this.#end(state, { status: 'error', reason: 'needs form a cycle' });
  }

  /** A resumed run: jobs that had ended take their result back silently, needs before dependents. */
  #restoreEnded(): void {
    const ended = this.#options.resume?.ended;
    if (!ended || ended.size === 0) return;
    let left = this.#jobs.filter((state) => state.phase === 'pending' && ended.has(state.job.id));
    while (left.length > 0) {
      const waiting = new Set(left);
      let ready = left.filter((state) => this.#graph.needs[state.index]!.every((i) => !waiting.has(this.#jobs[i]!)));
      if (ready.length === 0) ready = left;
      for (const state of ready) {
        const result = ended.get(state.job.id)!;
        state.attempts = result.attempts;
        this.#end(state, { status: result.status, reason: result.reason, outputs: { ...result.outputs } }, true);
      }
      left = left.filter((state) => state.phase !== 'ended');
    }
  }

  /** Processes decisions and fills free slots until nothing more can happen right now. */
  #advance(): void {
    if (this.#advancing) return;
    this.#advancing = true;
    try {
      for (;;) {
        const state = this.#toDecide.shift();
        if (state) {
          this.#decide(state);
          continue;
        }
        if (this.#running >= this.#options.parallel) break;
        const next = this.#queue.pop();
        if (!next) break;
        this.#launch(next);
      }
    } finally {
      this.#advancing = false;
    }
    if (this.#ended === this.#jobs.length) this.#finishRun();
  }

  #decide(state: JobState): void {
    if (state.phase !== 'pending') return;
    const needs = this.#graph.needs[state.index]!.map((i) => this.#jobs[i]!);
    const decision = decideJob({
      plan: this.#plan,
      job: state.job,
      needs: needs.sort((a, b) => a.index - b.index).map(endedOf),
      ancestorFailed: needs.some((need) => need.failedUpTo),
      ancestorTroubled: needs.some((need) => need.troubledUpTo),
      failFastBy: this.#failFastBy,
      canceled: this.#canceled,
      cancelReason: this.#cancelReason,
    });
    if (decision.kind === 'run') {
      state.phase = 'queued';
      this.#queue.push(state);
    } else if (decision.kind === 'skip') this.#end(state, { status: 'skipped', reason: decision.reason });
    else this.#end(state, { status: 'error', reason: decision.reason });
  }

  #launch(state: JobState): void {
    state.phase = 'running';
    state.controller = new AbortController();
    this.#running++;
    const needs = this.#graph.needs[state.index]!.slice().sort((a, b) => a - b).map((i) => endedOf(this.#jobs[i]!));
    state.startedAt = this.#clock.monotonic();
    const attempts = runAttempts({
      job: state.job,
      executor: this.#executor,
      clock: this.#clock,
      signal: state.controller.signal,
      needs: buildNeedsContext(needs),
      firstAttempt: this.#options.resume?.nextAttempt?.get(state.job.id) ?? 1,
      emit: (event) => this.#emit(event),
      onAttempt: (attempt) => (state.attempts = attempt),
      stopRetrying: () => this.#canceled || this.#failFastBy !== undefined,
      abortReason: () => state.abortReason,
    });
    void attempts.then((ending) => {
      this.#running--;
      this.#end(state, ending);
      this.#advance();
    });
  }

  /** `silent`: a resumed job's stored result — recorded, not announced again. */
  #end(state: JobState, ending: Ending, silent = false): void {
    if (state.phase === 'ended') return;
    state.phase = 'ended';
    state.status = ending.status;
    state.reason = ending.reason;
    state.outputs = ending.outputs ?? {};
    state.controller = undefined;
    if (state.startedAt !== undefined) state.durationMs = Math.max(0, this.#clock.monotonic() - state.startedAt);
    this.#ended++;
    this.#propagateTrouble(state);
    const { job } = state;
    if (silent) {
      // announced by the run before the restart
    } else if (ending.status === 'skipped') this.#emit({ type: 'job:skipped', job: job.id, reason: ending.reason ?? 'skipped' });
    else {
      this.#emit({
        type: 'job:finished',
        job: job.id,
        status: state.status,
        attempt: state.attempts,
        durationMs: state.durationMs,
        ...(state.reason === undefined ? {} : { reason: state.reason }),
        outputs: { ...state.outputs },
      });
    }
    if ((state.status === 'failure' || state.status === 'error') && !job.continueOnError) this.#maybeFailFast(job.id);
    for (const d of this.#graph.dependents[state.index]!) {
      const dependent = this.#jobs[d]!;
      if (--dependent.pendingNeeds === 0 && dependent.phase === 'pending') this.#toDecide.push(dependent);
    }
  }

  #propagateTrouble(state: JobState): void {
    const result = effectiveResult(endedOf(state));
    const needs = this.#graph.needs[state.index]!.map((i) => this.#jobs[i]!);
    state.failedUpTo = result === 'failure' || result === 'error' || needs.some((n) => n.failedUpTo);
    state.troubledUpTo = state.failedUpTo || result === 'canceled' || needs.some((n) => n.troubledUpTo);
  }

  #maybeFailFast(jobId: string): void {
    if (!this.#plan.failFast || this.#failFastBy !== undefined || this.#canceled) return;
    this.#failFastBy = jobId;
    for (const state of this.#jobs) {
      if (state.phase === 'running' && !runsOnFailure(state.job)) this.#abortJob(state, `canceled: fail-fast after '${jobId}' failed`);
    }
    this.#requeueForDecision();
  }

  readonly #onCancel = (): void => {
    if (this.#canceled) return;
    this.#canceled = true;
    this.#cancelReason = cancelReasonOf(this.#options.signal);
    for (const state of this.#jobs) if (state.phase === 'running') this.#abortJob(state, this.#cancelReason);
    this.#requeueForDecision();
    this.#advance();
  };

  /** Queued jobs were decided under the old flags: decide them again. */
  #requeueForDecision(): void {
    for (const state of this.#queue.drain()) {
      state.phase = 'pending';
      this.#toDecide.push(state);
    }
  }

  #abortJob(state: JobState, reason: string): void {
    if (!state.controller || state.controller.signal.aborted) return;
    state.abortReason = reason;
    state.controller.abort(new DOMException(reason, 'AbortError'));
  }

  #finishRun(): void {
    if (this.#finished) return;
    const jobs: Record<string, JobResult> = {};
    const statuses: Record<string, Status> = {};
    for (const state of this.#jobs) {
      jobs[state.job.id] = {
        status: state.status,
        ...(state.reason === undefined ? {} : { reason: state.reason }),
        attempts: state.attempts,
        durationMs: state.durationMs,
        outputs: state.outputs,
      };
      statuses[state.job.id] = state.status;
    }
    const { status, reason } = runStatus(this.#jobs.map(endedOf), this.#canceled, this.#cancelReason);
    const durationMs = Math.max(0, this.#clock.monotonic() - this.#startedAt);
    this.#emit({ type: 'run:finished', status, durationMs, jobs: statuses, ...(reason === undefined ? {} : { reason }) });
    this.#finished = true;
    this.#resolve({ status, ...(reason === undefined ? {} : { reason }), durationMs, jobs });
  }

  #emit(input: RunEventInput): void {
    // An executor that reports after its job ended must not put events after run:finished.
    if (this.#finished) return;
    const event = { ...input, seq: ++this.#seq, ts: this.#clock.now() } as RunEvent;
    try {
      this.#options.onEvent(event);
    } catch (err) {
      this.#listenerError ??= err;
    }
  }
}

/** A string given to `abort(reason)` is the cancel reason people see; anything else is generic. */
function cancelReasonOf(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  return typeof reason === 'string' && reason.trim() !== '' ? reason : 'run canceled';
}
