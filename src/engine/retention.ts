import type { Clock } from '../core/index.js';
import type { RunStore } from '../store/index.js';
import type { EngineLogger } from './run-recorder.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** How long ended runs (with their jobs, steps and log lines) are kept. `null` turns a rule off. */
export interface RetentionOptions {
  /** Delete ended runs that finished more than this many days ago (default 90). */
  maxAgeDays?: number | null;
  /** Keep at most this many newest runs per project; older ended runs are deleted (default 500). */
  keepPerProject?: number | null;
  /** How often to prune (default 1 hour; the first prune runs at start). */
  intervalMs?: number;
}

export const DEFAULT_RETENTION = { maxAgeDays: 90, keepPerProject: 500, intervalMs: 60 * 60 * 1000 } as const;

/**
 * One prune by the retention rules. Only ended runs are deleted (queued, waiting and running runs are
 * kept whatever their age or rank); log lines go with their run. Returns how many runs were deleted.
 */
export async function pruneRuns(runs: Pick<RunStore, 'prune'>, now: number, options: RetentionOptions = {}): Promise<number> {
  const maxAgeDays = options.maxAgeDays === undefined ? DEFAULT_RETENTION.maxAgeDays : options.maxAgeDays;
  const keepPerProject = options.keepPerProject === undefined ? DEFAULT_RETENTION.keepPerProject : options.keepPerProject;
  if (maxAgeDays === null && keepPerProject === null) return 0;
  return runs.prune({
    ...(maxAgeDays !== null && { finishedBefore: now - maxAgeDays * DAY_MS }),
    ...(keepPerProject !== null && { keepPerProject }),
  });
}

/**
 * Prunes at once and then every `intervalMs` until `stop()`; the age rule reads the injected clock.
 * The timer does not keep the process alive. A failed prune is logged; the next one comes at the
 * next interval. Concurrency: a tick is skipped while a prune is in flight; `stop` is idempotent and
 * does not wait for a prune in flight.
 */
export function startRetention(deps: { runs: Pick<RunStore, 'prune'>; clock: Clock; logger: EngineLogger; options?: RetentionOptions }): { stop(): void } {
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const deleted = await pruneRuns(deps.runs, deps.clock.now(), deps.options);
      if (deleted > 0) deps.logger.info({ deleted }, 'retention: deleted old runs');
    } catch (err) {
      deps.logger.error({ err }, 'retention: could not prune runs');
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), deps.options?.intervalMs ?? DEFAULT_RETENTION.intervalMs);
  timer.unref?.();
  void tick();
  return { stop: () => clearInterval(timer) };
}
