import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makePlan, planJob, runFake } from './test-support.js';
import type { ResumedJob } from './run-options.js';

const ended = (entries: Record<string, ResumedJob>) => new Map(Object.entries(entries));

test('resume: ended jobs are not run again nor announced; dependents see their outputs', async () => {
  const plan = makePlan([planJob('build'), planJob('test', { needs: ['build'] }), planJob('ship', { needs: ['test'] })]);
  const run = await runFake(plan, {}, {
    resume: { ended: ended({ build: { status: 'success', attempts: 1, outputs: { v: '7' } } }) },
  });
  assert.equal(run.result.status, 'success');
  assert.deepEqual(run.executor.calls.map((c) => c.job), ['test', 'ship']);
  assert.deepEqual(run.executor.calls[0]!.needs, { build: { result: 'success', outputs: { v: '7' } } });
  assert.ok(!run.log.events.some((e) => 'job' in e && e.job === 'build'), 'no event for the restored job');
  assert.deepEqual(run.result.jobs.build, { status: 'success', attempts: 1, durationMs: 0, outputs: { v: '7' } });
});

test('resume: a restored failure still fails fast and skips what depends on it; nextAttempt continues numbering', async () => {
  const plan = makePlan([planJob('a'), planJob('b', { needs: ['a'] }), planJob('c')]);
  const run = await runFake(plan, {}, {
    resume: {
      ended: ended({ a: { status: 'failure', reason: 'exit 1', attempts: 1, outputs: {} } }),
      nextAttempt: new Map([['c', 3]]),
    },
  });
  assert.equal(run.result.status, 'failure');
  assert.match(run.log.skipped('b') ?? '', /'a' failed/);
  // c was decided under fail-fast after the restored failure of a: not run
  assert.equal(run.result.jobs.c!.status, 'skipped');

  const plan2 = makePlan([planJob('c')], { failFast: false });
  const run2 = await runFake(plan2, {}, { resume: { ended: new Map(), nextAttempt: new Map([['c', 3]]) } });
  assert.deepEqual(run2.executor.calls.map((c) => c.attempt), [3]);
  assert.equal(run2.result.jobs.c!.attempts, 3);
});

test('a string given to abort() is the cancel reason of the run and its running jobs', async () => {
  const controller = new AbortController();
  const plan = makePlan([planJob('slow')]);
  const run = await runFake(plan, { slow: { durationMs: 1000 } }, {
    signal: controller.signal,
    setup: (clock) => void clock.sleep(100).then(() => controller.abort('server shutting down')),
  });
  assert.equal(run.result.status, 'canceled');
  assert.equal(run.result.reason, 'server shutting down');
  assert.equal(run.result.jobs.slow!.reason, 'server shutting down');
});
