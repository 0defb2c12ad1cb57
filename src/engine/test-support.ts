import type { Clock, RunEvent } from '../core/index.js';
import type { Plan, PlanJob, PlanStep } from '../pipeline/index.js';
import type { JobExecutor, JobInput, JobOutcome } from './executor.js';
import type { RunOptions, RunResult } from './run-options.js';
import { runPlan } from './run-plan.js';

/**
 * Test doubles for the engine (used by its tests and by bench/exec): plans built from a few
 * fields, a virtual clock whose time only moves when the test says so, and a fake executor
 * whose jobs "run" by sleeping on a clock and answer whatever the test scripted.
 */

export function planJob(id: string, fields: Partial<PlanJob> = {}): PlanJob {
  return {
    id,
    key: id,
    name: id,
    needs: [],
    env: {},
    timeoutMs: 60_000,
    retry: { max: 0, backoffMs: 1000, on: [] },
    continueOnError: false,
    checkout: false,
    outputs: {},
    steps: [runStep('true')],
    runsOn: [],
    line: 1,
    ...fields,
  };
}

export function runStep(script: string, kind: PlanStep['kind'] = 'run'): PlanStep {
  return { index: 0, name: script, kind, script, env: {}, continueOnError: false, line: 1 };
}

export function makePlan(jobs: PlanJob[], fields: Partial<Plan> = {}): Plan {
  const git = { event: 'push', branch: 'main', base_branch: '', tag: '', ref: 'refs/heads/main', sha: 'a'.repeat(40), sha_short: 'aaaaaaa', message: 'm', author: 'me', repository: 'r' };
  return {
    file: '.gantry.yml',
    event: { name: 'push', branch: 'main', sha: 'a'.repeat(40) },
    context: { git, inputs: {} },
    trigger: { matched: true, reason: 'test' },
    env: { NODE_ENV: 'test' },
    failFast: true,
    jobs,
    notify: [],
    ...fields,
  };
}

interface Timer {
  at: number;
  order: number;
  resolve(): void;
}

/** Time stands still until `run` fires the next timer; every sleep is a timer. */
export class VirtualClock implements Clock {
  time = 0;
  readonly #timers: Timer[] = [];
  #order = 0;

  now(): number {
    return 1_700_000_000_000 + this.time;
  }

  monotonic(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer: Timer = { at: this.time + Math.max(0, ms), order: this.#order++, resolve: () => undefined };
      const onAbort = () => {
        const index = this.#timers.indexOf(timer);
        if (index !== -1) this.#timers.splice(index, 1);
        reject(signal!.reason);
      };
      timer.resolve = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#timers.push(timer);
    });
  }

  /** Lets every pending promise settle, then fires timers one by one until `promise` settles. */
  async run<T>(promise: Promise<T>): Promise<T> {
    let settled: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    promise.then(
      (value) => (settled = { ok: true, value }),
      (error: unknown) => (settled = { ok: false, error }),
    );
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled?.ok) return settled.value;
      if (settled) throw settled.error;
      if (this.#timers.length === 0) throw new Error(`virtual clock: nothing left to wait for at t=${this.time}`);
      this.#timers.sort((a, b) => a.at - b.at || a.order - b.order);
      const next = this.#timers.shift()!;
      this.time = next.at;
      next.resolve();
    }
  }
}

/** What a fake job does on one attempt. */
export interface FakeBehavior {
  durationMs?: number;
  status?: JobOutcome['status'];
  outputs?: Record<string, string>;
  failureKind?: JobOutcome['failureKind'];
  reason?: string;
  /** Reject with this message instead of answering. */
  throws?: string;
}

export interface FakeCall {
  job: string;
  attempt: number;
  start: number;
  end: number | undefined;
  status: JobOutcome['status'] | 'threw' | undefined;
  needs: JobInput['needs'];
}

/** Jobs sleep on the clock, honour the abort signal, and answer per attempt as scripted. */
export class FakeExecutor implements JobExecutor {
  readonly calls: FakeCall[] = [];
  inFlight = 0;
  maxInFlight = 0;
  readonly #clock: Clock;
  readonly #behaviors: Record<string, FakeBehavior | FakeBehavior[]>;
  readonly #defaultMs: number;

  constructor(clock: Clock, behaviors: Record<string, FakeBehavior | FakeBehavior[]> = {}, defaultMs = 10) {
    this.#clock = clock;
    this.#behaviors = behaviors;
    this.#defaultMs = defaultMs;
  }

  async runJob(job: PlanJob, input: JobInput, signal: AbortSignal): Promise<JobOutcome> {
    const scripted = this.#behaviors[job.id];
    const behavior: FakeBehavior = (Array.isArray(scripted) ? scripted[Math.min(input.attempt, scripted.length) - 1] : scripted) ?? {};
    const call: FakeCall = { job: job.id, attempt: input.attempt, start: this.#clock.monotonic(), end: undefined, status: undefined, needs: input.needs };
    this.calls.push(call);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      await this.#clock.sleep(behavior.durationMs ?? this.#defaultMs, signal);
    } catch {
      call.status = 'canceled';
      return { status: 'canceled', outputs: {} };
    } finally {
      this.inFlight--;
      call.end = this.#clock.monotonic();
    }
    if (behavior.throws !== undefined) {
      call.status = 'threw';
      throw new Error(behavior.throws);
    }
    call.status = behavior.status ?? 'success';
    return {
      status: call.status,
      outputs: behavior.outputs ?? {},
      ...(behavior.failureKind ? { failureKind: behavior.failureKind } : {}),
      ...(behavior.reason ? { reason: behavior.reason } : {}),
    };
  }
}

/** Collects events; `of(type)` narrows. */
export class EventLog {
  readonly events: RunEvent[] = [];
  readonly onEvent = (event: RunEvent): void => {
    this.events.push(event);
  };

  of<T extends RunEvent['type']>(type: T): Extract<RunEvent, { type: T }>[] {
    return this.events.filter((event): event is Extract<RunEvent, { type: T }> => event.type === type);
  }

  skipped(job: string): string | undefined {
    return this.of('job:skipped').find((event) => event.job === job)?.reason;
  }
}

export interface FakeRun {
  result: RunResult;
  executor: FakeExecutor;
  log: EventLog;
  clock: VirtualClock;
}

/** Runs `plan` on virtual time with a FakeExecutor scripted by `behaviors`. */
export async function runFake(
  plan: Plan,
  behaviors: Record<string, FakeBehavior | FakeBehavior[]> = {},
  options: Partial<Omit<RunOptions, 'executor' | 'onEvent' | 'clock'>> & { setup?: (clock: VirtualClock) => void } = {},
): Promise<FakeRun> {
  const clock = new VirtualClock();
  const executor = new FakeExecutor(clock, behaviors);
  const log = new EventLog();
  const { setup, ...rest } = options;
  setup?.(clock);
  const running = runPlan(plan, { parallel: 4, ...rest, executor, onEvent: log.onEvent, clock });
  const result = await clock.run(running);
  return { result, executor, log, clock };
}
