import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GantryError } from '../core/index.js';
import { dueCronRuns, nextCronTime, validateCronSchedule, type CronSchedule } from './cron.js';

const at = (iso: string) => Date.parse(iso);
const nightly: CronSchedule = { name: 'nightly', schedule: '0 3 * * *', branch: 'main' };
const quarterly: CronSchedule = { name: 'every-15', schedule: '*/15 * * * *' };

test('nothing is due before the next occurrence; the occurrence itself is due once', () => {
  const last = { nightly: at('2024-05-01T03:00:00Z') };
  assert.deepEqual(dueCronRuns([nightly], last, at('2024-05-02T02:59:59Z')), []);
  const due = dueCronRuns([nightly], last, at('2024-05-02T03:00:00Z'));
  assert.deepEqual(due, [{ ...nightly, scheduledFor: at('2024-05-02T03:00:00Z'), occurrences: 1 }]);
  // The caller records scheduledFor; a second tick in the same minute fires nothing.
  assert.deepEqual(dueCronRuns([nightly], { nightly: due[0]!.scheduledFor }, at('2024-05-02T03:00:30Z')), []);
});

test('after days of downtime each schedule fires exactly once, for its latest missed occurrence', () => {
  const last = { nightly: at('2024-05-01T03:00:00Z'), 'every-15': at('2024-05-01T03:00:00Z') };
  const now = at('2024-05-06T10:07:00Z');
  const due = dueCronRuns([nightly, quarterly], last, now);
  assert.equal(due.length, 2);
  assert.deepEqual(due.map((d) => [d.name, new Date(d.scheduledFor).toISOString(), d.occurrences]), [
    ['nightly', '2024-05-06T03:00:00.000Z', 5],
    ['every-15', '2024-05-06T10:00:00.000Z', 508], // 5 days 7 hours of quarter-hours: still one run
  ]);
  const after = Object.fromEntries(due.map((d) => [d.name, d.scheduledFor]));
  assert.deepEqual(dueCronRuns([nightly, quarterly], after, now), []);
  assert.deepEqual(dueCronRuns([nightly, quarterly], after, at('2024-05-06T10:15:00Z')).map((d) => d.name), ['every-15']);
});

test('counting missed occurrences stops at 1000', () => {
  const minutely = { name: 'm', schedule: '* * * * *' };
  const due = dueCronRuns([minutely], { m: at('2024-05-01T00:00:00Z') }, at('2024-05-03T00:00:00Z'));
  assert.deepEqual(due.map((d) => [d.scheduledFor, d.occurrences]), [[at('2024-05-03T00:00:00Z'), 1000]]);
});

test('a schedule never seen before is not due (no retroactive runs)', () => {
  assert.deepEqual(dueCronRuns([nightly], {}, at('2024-05-06T10:07:00Z')), []);
});

test('time zones: 03:00 in Oslo is 01:00 UTC in summer', () => {
  const oslo = { ...nightly, timezone: 'Europe/Oslo' };
  assert.equal(nextCronTime(oslo, at('2024-07-01T00:00:00Z')), at('2024-07-01T01:00:00Z'));
  const due = dueCronRuns([oslo], { nightly: at('2024-06-30T01:00:00Z') }, at('2024-07-01T01:00:00Z'));
  assert.equal(due[0]?.scheduledFor, at('2024-07-01T01:00:00Z'));
});

test('an invalid pattern or zone is a CONFIG_INVALID error naming the schedule', () => {
  for (const bad of [{ name: 'x', schedule: '61 * * * *' }, { name: 'x', schedule: '0 3 * * *', timezone: 'Mars/Olympus' }]) {
    assert.throws(() => validateCronSchedule(bad), (e: unknown) => e instanceof GantryError && e.code === 'CONFIG_INVALID' && e.message.includes("'x'"));
  }
});
