import { Cron } from 'croner';
import picomatch from 'picomatch';
import type { PathPart } from '../yaml-positions.js';
import { asArray, asRecord, asString, isRecord, type LintContext } from './context.js';

const FILTER_KEYS = ['branches', 'branches_ignore', 'paths', 'paths_ignore'] as const;

function checkGlob(ctx: LintContext, pattern: unknown, path: PathPart[]): void {
  if (typeof pattern !== 'string') return;
  try {
    // strictBrackets turns an unbalanced [ { ( into an error instead of a silent literal match.
    picomatch.makeRe(pattern, { strictBrackets: true });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    ctx.report({
      code: 'PIPELINE_BAD_GLOB',
      path,
      message: `bad pattern '${pattern}': ${reason.replace(/\\\\/g, '\\')}`,
      hint: 'patterns use glob syntax: * (within a segment), ** (across /), ?, [abc], {a,b}',
    });
  }
}

function checkCron(ctx: LintContext, entry: unknown, path: PathPart[]): void {
  const schedule = asString(asRecord(entry).schedule);
  if (schedule === undefined) return;
  const timezone = asString(asRecord(entry).timezone);
  try {
    new Cron(schedule, { paused: true, ...(timezone ? { timezone } : {}) });
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).replace(/^CronPattern: /, '');
    ctx.report({
      code: 'PIPELINE_BAD_CRON',
      path: [...path, 'schedule'],
      message: `bad cron schedule '${schedule}': ${reason}`,
      hint: 'five fields: minute hour day-of-month month day-of-week, e.g. "0 3 * * *" (03:00 daily)',
    });
  }
}

/** Globs under on.push / on.pull_request / on.tag, and cron schedules under on.cron. */
export function checkTriggers(ctx: LintContext): void {
  const on = asRecord(ctx.root).on;
  if (!isRecord(on)) return;
  for (const event of ['push', 'pull_request'] as const) {
    const filter = asRecord(on[event]);
    for (const key of FILTER_KEYS) {
      asArray(filter[key]).forEach((p, i) => checkGlob(ctx, p, ['on', event, key, i]));
    }
  }
  asArray(asRecord(on.tag).patterns).forEach((p, i) => checkGlob(ctx, p, ['on', 'tag', 'patterns', i]));
  asArray(on.cron).forEach((entry, i) => checkCron(ctx, entry, ['on', 'cron', i]));
}
