import type { Clock } from '../../core/index.js';

/** What the schedule loops log through (pino's Logger fits; tests pass a collecting sink). */
export interface ScheduleLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * One pass at a time, on an unref'd timer, for a loop that does its own work per pass (polling,
 * cron). Ticks never overlap: a `tick()` called while another runs (a test, or the timer) waits for
 * it. The first timed pass starts at `start()` so work missed while the server was down is found at
 * once; the next is scheduled `intervalMs` after a pass ENDS, so a slow pass never piles passes up.
 * `stop()` clears the timer, aborts the signal handed to passes, and waits for the pass in flight.
 */
export interface TickLoop<R> {
  start(): void;
  stop(): Promise<void>;
  tick(now?: number): Promise<R>;
}

export function createTickLoop<R>(options: {
  name: string;
  intervalMs: number;
  clock: Clock;
  logger: ScheduleLogger;
  pass: (now: number, signal: AbortSignal) => Promise<R>;
}): TickLoop<R> {
  const controller = new AbortController();
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let started = false;
  let stopped = false;

  const tick = (now?: number): Promise<R> => {
    const run = chain.then(() => options.pass(now ?? options.clock.now(), controller.signal));
    chain = run.catch(() => undefined);
    return run;
  };
  const schedule = (delay: number): void => {
    timer = setTimeout(() => {
      timer = undefined;
      tick()
        .catch((err: unknown) => options.logger.error({ err, loop: options.name }, `${options.name}: pass failed`))
        .finally(() => {
          if (!stopped) schedule(options.intervalMs);
        });
    }, delay);
    // The loops must never keep a stopping process alive on their own.
    timer.unref();
  };
  return {
    start() {
      if (started || stopped) return;
      started = true;
      schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      controller.abort(new Error(`${options.name} stopped`));
      await chain;
    },
    tick,
  };
}
