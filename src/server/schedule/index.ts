/**
 * Time-driven triggers of the server: polling and cron. Each is a loop with `start()` (timed passes
 * on an unref'd timer), `stop()` (waits for the pass in flight) and `tick(now)` (one pass; tests call
 * it with their own clock). Both create runs through the same run creator as webhooks.
 *
 *   createPoller({ store, runCreator, clock, logger })            git ls-remote → push/tag runs
 *   createCronScheduler({ store, repos, runCreator, clock, logger }) on.cron → cron runs (one catch-up)
 *
 * See docs/triggers.md ("In the server").
 */
export { createPoller, pollStateKey, type Poller, type PollerOptions, type PollOutcome } from './poller.js';
export { createCronScheduler, cronStateKey, type CronScheduler, type CronSchedulerOptions, type CronFired } from './cron-scheduler.js';
export type { ScheduleLogger, TickLoop } from './tick-loop.js';
