import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RetryPolicy } from '../pipeline/index.js';
import { makePlan, planJob, runStep, runFake } from './test-support.js';

const retry = (max: number, on: RetryPolicy['on'], backoffMs = 100): RetryPolicy => ({ max, backoffMs, on });

test('a retried job waits backoff × 2^(attempt-1) between attempts on the clock', async () => {
  const plan = makePlan([planJob('net', { retry: retry(3, ['infrastructure']) })]);
  const run = await runFake(plan, {
    net: [
      { durationMs: 10, status: 'error', failureKind: 'infrastructure', reason: 'pull failed' },
      { durationMs: 10, status: 'error' },
      { durationMs: 10, status: 'success', outputs: { ok: 'yes' } },
    ],
  });
  assert.equal(run.result.status, 'success');
  assert.deepEqual(
    run.executor.calls.map((c) => [c.attempt, c.start]),
    [
      [1, 0],
      [2, 110],
      [3, 320],
    ],
  );
  const retrying = run.log.of('job:retrying');
  assert.deepEqual(
    retrying.map((e) => [e.attempt, e.delayMs]),
    [
      [2, 100],
      [3, 200],
    ],
  );
  assert.match(retrying[0]!.reason, /attempt 1 ended error \(infrastructure\): pull failed/);
  assert.deepEqual(
    run.log.events.filter((e) => e.type.startsWith('job:')).map((e) => e.type),
    ['job:started', 'job:retrying', 'job:started', 'job:retrying', 'job:started', 'job:finished'],
  );
  const job = run.result.jobs.net!;
  assert.equal(job.attempts, 3);
  assert.equal(job.durationMs, 330);
  assert.deepEqual(job.outputs, { ok: 'yes' });
  assert.equal(run.log.of('job:finished')[0]!.attempt, 3);
});

test('retries stop when attempts run out, and only for the listed kinds', async () => {
  const plan = makePlan(
    [
      planJob('out', { retry: retry(1, ['failure']) }),
      planJob('kind', { retry: retry(3, ['timeout']) }),
      planJob('timeout', { retry: retry(2, ['timeout'], 0) }),
      planJob('rejects', { retry: retry(1, ['infrastructure'], 0) }),
    ],
    { failFast: false },
  );
  const run = await runFake(plan, {
    out: { status: 'failure' },
    kind: { status: 'failure' },
    timeout: [{ status: 'failure', failureKind: 'timeout' }, {}],
    rejects: [{ throws: 'agent lost' }, {}],
  });
  const attempts = (id: string) => run.result.jobs[id]!.attempts;
  assert.equal(attempts('out'), 2);
  assert.equal(run.result.jobs.out!.status, 'failure');
  assert.equal(attempts('kind'), 1, "an ordinary failure is not retried when on: [timeout]");
  assert.equal(attempts('timeout'), 2);
  assert.equal(run.result.jobs.timeout!.status, 'success');
  assert.equal(attempts('rejects'), 2, 'an executor rejection counts as infrastructure');
  assert.equal(run.result.jobs.rejects!.status, 'success');
});

test('jobs with a deploy step are never retried automatically', async () => {
  const plan = makePlan([planJob('ship', { retry: retry(3, ['failure', 'infrastructure', 'timeout']), steps: [runStep('k8s', 'deploy')] })]);
  const run = await runFake(plan, { ship: [{ status: 'error', failureKind: 'infrastructure' }, {}] });
  assert.equal(run.result.jobs.ship!.attempts, 1);
  assert.equal(run.result.jobs.ship!.status, 'error');
  assert.equal(run.log.of('job:retrying').length, 0);
});

test('fail-fast during a retry backoff ends the waiting job canceled without another attempt', async () => {
  const plan = makePlan([planJob('flaky', { retry: retry(2, ['failure'], 1000) }), planJob('bad')]);
  const run = await runFake(plan, { flaky: { durationMs: 5, status: 'failure' }, bad: { durationMs: 50, status: 'failure' } });
  assert.equal(run.result.jobs.flaky!.status, 'canceled');
  assert.equal(run.result.jobs.flaky!.attempts, 1);
  assert.equal(run.result.jobs.flaky!.durationMs, 50);
  assert.equal(run.result.status, 'failure');
});
