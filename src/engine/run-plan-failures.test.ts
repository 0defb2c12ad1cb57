import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makePlan, planJob, runFake } from './test-support.js';

const ran = (run: Awaited<ReturnType<typeof runFake>>, job: string) => run.executor.calls.some((c) => c.job === job);

test('fail-fast cancels running jobs and skips pending ones, but always() and failure() jobs run', async () => {
  const plan = makePlan([
    planJob('bad'),
    planJob('slow'),
    planJob('after-slow', { needs: ['slow'] }),
    planJob('independent-later', { needs: ['bad'], condition: "git.branch == 'main'" }),
    planJob('cleanup', { needs: ['slow'], condition: 'always()' }),
    planJob('notify', { needs: ['bad'], condition: 'failure()' }),
    planJob('only-ok', { needs: ['slow'], condition: 'success()' }),
  ]);
  const run = await runFake(plan, { bad: { durationMs: 10, status: 'failure' }, slow: { durationMs: 500 } }, { parallel: 2 });
  const jobs = run.result.jobs;
  assert.equal(run.result.status, 'failure');
  assert.equal(jobs.bad!.status, 'failure');
  assert.equal(jobs.slow!.status, 'canceled');
  assert.equal(jobs.slow!.reason, "canceled: fail-fast after 'bad' failed");
  assert.equal(jobs.slow!.durationMs, 10, 'slow was aborted when bad failed, not run to its end');
  assert.equal(run.log.skipped('after-slow'), "fail-fast: 'bad' failed");
  assert.equal(run.log.skipped('independent-later'), "fail-fast: 'bad' failed");
  assert.equal(run.log.skipped('only-ok'), "fail-fast: 'bad' failed");
  assert.equal(jobs.cleanup!.status, 'success');
  assert.equal(jobs.notify!.status, 'success');
  assert.ok(ran(run, 'cleanup') && ran(run, 'notify'));
  assert.equal(run.log.events.at(-1)!.type, 'run:finished');
});

test('fail-fast leaves a running always() job alone', async () => {
  const plan = makePlan([planJob('bad'), planJob('guard', { condition: 'always()' })]);
  const run = await runFake(plan, { bad: { durationMs: 5, status: 'error' }, guard: { durationMs: 50 } });
  assert.equal(run.result.jobs.guard!.status, 'success');
  assert.equal(run.result.status, 'error');
});

test('a job that fails under continue_on_error neither fails the run nor its dependents', async () => {
  const plan = makePlan([
    planJob('flaky', { continueOnError: true }),
    planJob('slow'),
    planJob('next', { needs: ['flaky'] }),
    planJob('check', { needs: ['flaky'], condition: "needs.flaky.result == 'success' && success()" }),
  ]);
  const run = await runFake(plan, { flaky: { durationMs: 5, status: 'failure' }, slow: { durationMs: 100 } });
  assert.equal(run.result.status, 'success');
  assert.equal(run.result.jobs.flaky!.status, 'failure');
  assert.equal(run.result.jobs.slow!.status, 'success', 'no fail-fast for continue_on_error');
  assert.equal(run.result.jobs.next!.status, 'success');
  assert.equal(run.result.jobs.check!.status, 'success');
});

test('without fail-fast, independent branches continue and dependents of the failure are skipped', async () => {
  const plan = makePlan(
    [
      planJob('bad'),
      planJob('slow'),
      planJob('after-bad', { needs: ['bad'] }),
      planJob('after-after', { needs: ['after-bad'] }),
      planJob('after-slow', { needs: ['slow'] }),
      planJob('report', { needs: ['after-after', 'after-slow'], condition: 'failure()' }),
      planJob('tidy', { needs: ['after-slow'], condition: 'success()' }),
    ],
    { failFast: false },
  );
  const run = await runFake(plan, { bad: { durationMs: 5, status: 'failure' }, slow: { durationMs: 100 } });
  const jobs = run.result.jobs;
  assert.equal(run.result.status, 'failure');
  assert.equal(jobs.slow!.status, 'success');
  assert.equal(jobs['after-slow']!.status, 'success');
  assert.equal(run.log.skipped('after-bad'), "needs 'bad' failed");
  assert.equal(run.log.skipped('after-after'), "needs 'after-bad' was skipped");
  assert.equal(jobs.report!.status, 'success', 'failure() sees the failed ancestor through a skipped job');
  assert.equal(jobs.tidy!.status, 'success');
});

test('canceling the run aborts running jobs, skips pending ones, runs always()/cancelled() jobs', async () => {
  const controller = new AbortController();
  const plan = makePlan([
    planJob('a'),
    planJob('b'),
    planJob('c', { needs: ['a'] }),
    planJob('on-fail', { needs: ['a'], condition: 'failure()' }),
    planJob('cleanup', { needs: ['c'], condition: 'always()' }),
    planJob('said-cancel', { needs: ['a'], condition: 'cancelled()' }),
  ]);
  const run = await runFake(
    plan,
    { a: { durationMs: 100 }, b: { durationMs: 100 } },
    { signal: controller.signal, setup: (clock) => void clock.sleep(40).then(() => controller.abort()) },
  );
  const jobs = run.result.jobs;
  assert.equal(run.result.status, 'canceled');
  assert.equal(jobs.a!.status, 'canceled');
  assert.equal(jobs.a!.reason, 'run canceled');
  assert.equal(jobs.b!.status, 'canceled');
  assert.equal(run.log.skipped('c'), 'run canceled');
  assert.equal(run.log.skipped('on-fail'), 'run canceled');
  assert.equal(jobs.cleanup!.status, 'success');
  assert.equal(jobs['said-cancel']!.status, 'success');
  assert.deepEqual(run.log.of('run:finished')[0]!.jobs.a, 'canceled');
});

test('a signal aborted before the run starts skips everything but always() jobs', async () => {
  const plan = makePlan([planJob('a'), planJob('final', { needs: ['a'], condition: 'always()' })]);
  const run = await runFake(plan, {}, { signal: AbortSignal.abort() });
  assert.equal(run.result.status, 'canceled');
  assert.equal(run.log.skipped('a'), 'run canceled');
  assert.equal(run.result.jobs.final!.status, 'success');
});

test('conditions see needs, matrix, git, inputs and env; false skips with the source', async () => {
  const plan = makePlan(
    [
      planJob('build'),
      planJob('yes', {
        needs: ['build'],
        matrix: { os: 'linux' },
        condition: "needs.build.outputs.kind == 'lib' && matrix.os == 'linux' && git.branch == 'main' && inputs.target == 'prod' && env.NODE_ENV == 'test'",
      }),
      planJob('no', { needs: ['build'], condition: "${{ needs.build.outputs.kind == 'app' }}" }),
    ],
    { context: { git: makePlan([]).context.git, inputs: { target: 'prod' } } },
  );
  const run = await runFake(plan, { build: { outputs: { kind: 'lib' } } });
  assert.equal(run.result.jobs.yes!.status, 'success');
  assert.equal(run.result.jobs.no!.status, 'skipped');
  assert.match(run.result.jobs.no!.reason!, /condition is false: .*kind == 'app'/);
  assert.equal(run.result.status, 'success');
});

test('a condition that cannot be evaluated ends the job in error, not an exception', async () => {
  const plan = makePlan(
    [planJob('a', { condition: 'nosuch.thing == 1' }), planJob('b', { condition: "git.branch == 'main' &&" }), planJob('c')],
    { failFast: false },
  );
  const run = await runFake(plan);
  assert.equal(run.result.jobs.a!.status, 'error');
  assert.match(run.result.jobs.a!.reason!, /^if: .*nosuch/);
  assert.equal(run.result.jobs.b!.status, 'error');
  assert.equal(run.result.jobs.c!.status, 'success');
  assert.equal(run.result.status, 'error');
  assert.equal(run.result.jobs.a!.attempts, 0);
});

test('compile-time skip reasons are kept', async () => {
  const plan = makePlan([planJob('a', { skip: { reason: "if: git.branch == 'dev' was false" } }), planJob('b', { needs: ['a'], condition: 'always()' })]);
  const run = await runFake(plan);
  assert.equal(run.log.skipped('a'), "if: git.branch == 'dev' was false");
  assert.equal(run.result.jobs.b!.status, 'success');
  assert.equal(run.result.status, 'success');
});

test('run status: failure wins over error; an executor rejection is an error, not an exception', async () => {
  const plan = makePlan([planJob('boom'), planJob('bad')], { failFast: false });
  const run = await runFake(plan, { boom: { throws: 'socket closed' }, bad: { status: 'failure', durationMs: 20 } });
  assert.equal(run.result.jobs.boom!.status, 'error');
  assert.equal(run.result.jobs.boom!.reason, 'executor failed: socket closed');
  assert.equal(run.result.status, 'failure');
  assert.equal(run.result.reason, "'bad' failed");
});
