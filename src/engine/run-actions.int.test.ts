import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Plan } from '../pipeline/index.js';
import { isGone, waitGone } from '../runner/testing/process-probe.js';
import type { Project, Run } from '../store/index.js';
import { finished, harness, waitFor } from '../../test/helpers/service-harness.js';
import { createRunService } from './index.js';
import { compilePlan } from '../../test/helpers/compile-plan.js';

/*
 * Cancel, retry and auto-cancel with real parts: a SQLite store, the run service and the embedded
 * agent running real processes (the shared harness), driven through the service's cancel/retry.
 */

const compile = compilePlan;

function scratch(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-actions-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const slowPlan = (dir: string) =>
  compile(`version: 1
on: { push: {} }
jobs:
  work:
    checkout: false
    steps:
      - run: 'sleep 30 & echo $! > "${dir}/pid"; wait'
      - if: always()
        run: 'echo cleaned > "${dir}/always"'
  after:
    needs: [work]
    checkout: false
    steps:
      - run: 'true'
`);

const jobsOf = async (h: Awaited<ReturnType<typeof harness>>, run: Run) =>
  Object.fromEntries((await h.store.runs.listJobs(run.id)).map((j) => [j.jobId, [j.status, j.reason]]));

test('cancel a queued run: canceled at once with the reason, its jobs skipped, never started later', async (t) => {
  const h = await harness(t);
  const dir = scratch(t);
  const run = await h.queue(slowPlan(dir));
  const service = createRunService({ store: h.store, leaseTtlMs: 1000, retention: null });
  const outcome = await service.cancel(run.id, 'canceled by admin');
  assert.equal(outcome.stopping, false);
  assert.equal(outcome.run.status, 'canceled');
  assert.equal(outcome.run.reason, 'canceled by admin');
  assert.deepEqual(await jobsOf(h, run), { work: ['skipped', 'canceled by admin'], after: ['skipped', 'canceled by admin'] });
  const again = await service.cancel(run.id, 'canceled by someone else');
  assert.equal(again.run.reason, 'canceled by admin', 'a repeat changes nothing');

  await h.start();
  await new Promise((r) => setTimeout(r, 200));
  assert.equal((await h.store.runs.get(run.id))!.status, 'canceled');
  assert.ok(!existsSync(join(dir, 'pid')), 'no step ran');
});

test('cancel a running run: the process is killed, the always() step runs, the run ends canceled with the reason', async (t) => {
  const h = await harness(t);
  const dir = scratch(t);
  const { service } = await h.start();
  const run = await h.queue(slowPlan(dir));
  service.kick();
  // The shell creates the file before it writes the pid: an empty read is "not yet", not pid 0
  // (which made this test fail twice in CI: kill(0, 0) signals our own group, /proc/0 is absent).
  const pid = await waitFor('the sleep pid', async () => {
    const text = existsSync(join(dir, 'pid')) ? readFileSync(join(dir, 'pid'), 'utf8').trim() : '';
    return /^[1-9]\d*$/.test(text) ? Number(text) : undefined;
  });
  assert.ok(!isGone(pid), `the step's sleep (pid ${pid}) runs`);

  const outcome = await service.cancel(run.id, 'canceled by admin');
  assert.equal(outcome.stopping, true);
  const ended = await finished(h.store, run.id);
  assert.equal(ended.status, 'canceled');
  assert.equal(ended.reason, 'canceled by admin');
  assert.ok(await waitGone(pid, 10_000), `sleep (pid ${pid}) still runs`);
  assert.equal(readFileSync(join(dir, 'always'), 'utf8'), 'cleaned\n');
  const jobs = await jobsOf(h, run);
  assert.equal(jobs.work![0], 'canceled');
  assert.deepEqual(jobs.after, ['skipped', 'canceled by admin']);
  const steps = await h.store.runs.listSteps(run.id, 'work');
  assert.deepEqual(steps.map((s) => s.status), ['canceled', 'success']);

  await assert.rejects(service.retry({ ...ended, status: 'running' }), { code: 'RUN_NOT_FINISHED' });
  const success = await h.queue(compile('version: 1\non: { push: {} }\njobs:\n  a:\n    checkout: false\n    steps:\n      - run: "true"\n'));
  service.kick();
  assert.equal((await finished(h.store, success.id)).status, 'success');
  await assert.rejects(service.cancel(success.id, 'canceled by admin'), { code: 'RUN_ALREADY_FINISHED' });
});

const retryPlan = (dir: string) =>
  compile(`version: 1
on: { push: {} }
jobs:
  build:
    checkout: false
    outputs: { v: "\${{ steps.s.outputs.v }}" }
    steps:
      - id: s
        run: |
          echo built >> "${dir}/build-count"
          echo "v=42" >> "$GANTRY_OUTPUT"
  test:
    needs: [build]
    checkout: false
    steps:
      - run: 'echo "$V" > "${dir}/seen"; test -f "${dir}/fixed"'
        env: { V: "\${{ needs.build.outputs.v }}" }
`);

test('retry: the whole run again as a new number at the same commit; failed-only keeps the successful job and its outputs', async (t) => {
  const h = await harness(t);
  const dir = scratch(t);
  const { service } = await h.start();
  const first = await h.queue(retryPlan(dir));
  service.kick();
  const failed = await finished(h.store, first.id);
  assert.equal(failed.status, 'failure');
  assert.equal(readFileSync(join(dir, 'build-count'), 'utf8'), 'built\n');

  const whole = await service.retry(failed, { actor: 'admin' });
  assert.equal(whole.number, failed.number + 1);
  assert.equal(whole.sha, failed.sha);
  assert.deepEqual(whole.trigger, { kind: 'push', actor: 'admin', retryOf: failed.id });
  assert.equal((await finished(h.store, whole.id)).status, 'failure');
  assert.equal(readFileSync(join(dir, 'build-count'), 'utf8'), 'built\nbuilt\n', 'a whole retry runs build again');

  writeFileSync(join(dir, 'fixed'), '');
  rmSync(join(dir, 'seen'));
  const failedOnly = await service.retry(failed, { failedOnly: true });
  assert.equal(failedOnly.number, failed.number + 2);
  assert.equal(failedOnly.trigger.retryOf, failed.id);
  const done = await finished(h.store, failedOnly.id);
  assert.equal(done.status, 'success', done.reason ?? '');
  assert.equal(readFileSync(join(dir, 'build-count'), 'utf8'), 'built\nbuilt\n', 'build was not run again');
  assert.equal(readFileSync(join(dir, 'seen'), 'utf8'), '42\n', "test saw build's carried-over output");
  const jobs = await h.store.runs.listJobs(failedOnly.id);
  const build = jobs.find((j) => j.jobId === 'build')!;
  assert.deepEqual([build.status, build.reason, build.outputs], ['success', `carried over from run #${failed.number}`, { v: '42' }]);
  assert.deepEqual((await h.store.runs.listSteps(failedOnly.id, 'build')).map((s) => s.status), ['success']);
  assert.equal(jobs.find((j) => j.jobId === 'test')!.status, 'success');
});

async function branchProject(h: Awaited<ReturnType<typeof harness>>, name: string, autoCancel: boolean): Promise<Project> {
  return h.store.projects.create({ name, repoUrl: '/nonexistent', forge: 'generic', settings: { autoCancel } });
}

const queueOn = (h: Awaited<ReturnType<typeof harness>>, project: Project, plan: Plan) =>
  h.store.runs.create({ projectId: project.id, event: plan.event, trigger: { kind: 'push' }, plan });

test('auto-cancel: a second push to the branch cancels the first run ("superseded by run #3"); other branches and projects without it run on', async (t) => {
  const h = await harness(t, { capacity: 4 });
  const dir = scratch(t);
  const { service } = await h.start();
  const project = await branchProject(h, 'auto', true);
  const first = await queueOn(h, project, slowPlan(dir));
  service.kick();
  await waitFor('the first run to run', async () => existsSync(join(dir, 'pid')));
  const other = await queueOn(h, project, compile(`version: 1\non: { push: {} }\njobs:\n  a:\n    checkout: false\n    steps:\n      - run: "sleep 0.3"\n`, { branch: 'dev' }));
  const quick = compile('version: 1\non: { push: {} }\njobs:\n  a:\n    checkout: false\n    steps:\n      - run: "true"\n', { sha: 'd'.repeat(40) });
  const second = await queueOn(h, project, quick);
  service.kick();
  const superseded = await finished(h.store, first.id);
  assert.equal(superseded.status, 'canceled');
  assert.equal(superseded.reason, 'superseded by run #3');
  assert.equal((await finished(h.store, second.id)).status, 'success');
  assert.equal((await finished(h.store, other.id)).status, 'success', 'another branch is not superseded');

  const plain = await branchProject(h, 'plain', false);
  const a = await queueOn(h, plain, compile('version: 1\non: { push: {} }\njobs:\n  a:\n    checkout: false\n    steps:\n      - run: "sleep 0.3"\n'));
  const b = await queueOn(h, plain, quick);
  service.kick();
  assert.equal((await finished(h.store, a.id)).status, 'success');
  assert.equal((await finished(h.store, b.id)).status, 'success');
});
