import { Cron } from 'croner';
import { GantryError } from '../core/index.js';

/**
 * Cron schedules (`on.cron` of the default branch's pipeline file), decided without a clock of
 * their own: the caller passes `now` and what it last fired.
 *
 * Catch-up rule: a schedule whose occurrences were missed (server down for a night, or a week) fires
 * ONCE, for its latest missed occurrence, not once per missed occurrence. The caller then stores
 * `lastFired[name] = due.scheduledFor`; the next occurrence after that is in the future, so the
 * following call returns nothing for it until the next occurrence arrives.
 *
 * A schedule with no `lastFired` entry has never been seen: it is not due. The caller records `now`
 * for it, so adding a schedule (or a project) never fires runs for the past.
 */
export interface CronSchedule {
  name: string;
  /** 5-field cron (an optional leading seconds field makes 6), as croner reads it. */
  schedule: string;
  /** IANA zone, e.g. `Europe/Oslo`; UTC when absent. */
  timezone?: string;
  branch?: string;
}

export interface CronDue extends CronSchedule {
  /** The occurrence this run stands for (epoch ms): the latest one at or before `now`. */
  scheduledFor: number;
  /** How many occurrences since lastFired this one run replaces (1 = none missed). */
  occurrences: number;
}

/** Counting missed occurrences stops here; a minutely schedule down for a month still counts fast. */
const COUNT_LIMIT = 1000;

/**
 * Runs `use` with the schedule's Cron; croner reports a bad pattern when constructing but a bad
 * time zone only when computing, so both are caught here and named after the schedule.
 */
function withCron<T>(schedule: Pick<CronSchedule, 'name' | 'schedule' | 'timezone'>, use: (cron: Cron) => T): T {
  try {
    return use(new Cron(schedule.schedule, { paused: true, timezone: schedule.timezone ?? 'UTC' }));
  } catch (err) {
    throw new GantryError('CONFIG_INVALID', `cron schedule '${schedule.name}': ${(err as Error).message}`, {
      details: { name: schedule.name, schedule: schedule.schedule },
      cause: err,
    });
  }
}

/** The first occurrence strictly after `from` (epoch ms), or undefined when there is none. */
export function nextCronTime(schedule: Pick<CronSchedule, 'name' | 'schedule' | 'timezone'>, from: number): number | undefined {
  return withCron(schedule, (cron) => cron.nextRun(new Date(from))?.getTime());
}

/** Throws CONFIG_INVALID with croner's explanation when a pattern or zone is not valid. Call when loading `on.cron`. */
export function validateCronSchedule(schedule: CronSchedule): void {
  withCron(schedule, (cron) => cron.nextRun(new Date(0)));
}

export function dueCronRuns(schedules: readonly CronSchedule[], lastFired: Readonly<Record<string, number | undefined>>, now: number): CronDue[] {
  const due: CronDue[] = [];
  for (const schedule of schedules) {
    const last = lastFired[schedule.name];
    if (last === undefined) continue;
    const found = withCron(schedule, (cron) => {
      const next = cron.nextRun(new Date(last));
      if (next === null || next.getTime() > now) return undefined;
      // previousRuns looks strictly before its reference, so +1 ms includes an occurrence at `now`.
      const latest = cron.previousRuns(1, new Date(now + 1))[0] ?? next;
      const missed = cron.nextRuns(COUNT_LIMIT, new Date(last)).filter((d) => d.getTime() <= now).length;
      return { scheduledFor: latest.getTime(), occurrences: missed };
    });
    if (found) due.push({ ...schedule, ...found });
  }
  return due;
}
