import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GantryError } from '../../core/index.js';
import type { Run } from '../../store/index.js';
import { finished, harness, waitFor } from '../../../test/helpers/service-harness.js';
import { compilePlan } from '../../../test/helpers/compile-plan.js';

/*
 * Approvals with real parts: a SQLite store, the run service and the embedded agent running real
 * processes. The project protects `production`; a job deploying there waits at the gate.
 */

const compile = compilePlan;

const deployPlan = (environment = 'production') =>
  compile(`version: 1
on: { push: {} }
jobs:
  build:
    checkout: false
    steps: [{ run: 'true' }]
  deploy:
    needs: [build]
    environment: ${environment}
    checkout: false
    retry: { max: 2, on: [failure] }
    steps: [{ run: 'echo deployed' }]
  smoke:
    needs: [deploy]
    checkout: false
    steps: [{ run: 'true' }]
`);

type H = Awaited<ReturnType<typeof harness>>;

async function protect(h: H): Promise<void> {
  await h.store.projects.update(h.project.id, { settings: { protectedEnvironments: ['production'] } });
}

const job = async (h: H, run: Run, id: string) => (await h.store.runs.getJob(run.id, id))!;

const waitingAtGate = (h: H, run: Run) =>
  waitFor('deploy to wait for approval', async () => {
    const deploy = await h.store.runs.getJob(run.id, 'deploy');
    return deploy?.status === 'waiting' && deploy.reason === 'approval required (environment production)';
  });

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => err instanceof GantryError && err.code === code);
}

test('a job deploying to a protected environment waits with its reason until approved, then runs', async (t) => {
  const h = await harness(t);
  await protect(h);
  const { service } = await h.start();
  const run = await h.queue(deployPlan());
  service.kick();
  await waitingAtGate(h, run);
  assert.equal((await job(h, run, 'build')).status, 'success', 'the needs ran first');
  assert.equal((await job(h, run, 'smoke')).status, 'queued');
  await new Promise((r) => setTimeout(r, 150));
  assert.equal((await job(h, run, 'deploy')).status, 'waiting', 'nothing lets it through without a decision');

  const approval = await service.decide({ runId: run.id, jobId: 'deploy', decision: 'approved', actor: 'alice', comment: 'ship it' });
  assert.equal(approval.environment, 'production');
  assert.equal((await finished(h.store, run.id)).status, 'success');
  assert.equal((await job(h, run, 'deploy')).status, 'success');
  assert.deepEqual(
    (await h.store.approvals.listForRun(run.id)).map((a) => [a.jobId, a.decision, a.actor, a.comment]),
    [['deploy', 'approved', 'alice', 'ship it']],
  );
  await rejectsWith(service.decide({ runId: run.id, jobId: 'deploy', decision: 'rejected', actor: 'bob' }), 'RUN_JOB_ALREADY_DECIDED');
});

test('a rejected job fails with who rejected it, is not retried, and the jobs that need it are skipped', async (t) => {
  const h = await harness(t);
  await protect(h);
  const { service } = await h.start();
  const run = await h.queue(deployPlan());
  service.kick();
  await waitingAtGate(h, run);
  await service.decide({ runId: run.id, jobId: 'deploy', decision: 'rejected', actor: 'bob', comment: 'not on a Friday' });
  const ended = await finished(h.store, run.id);
  assert.equal(ended.status, 'failure');
  const deploy = await job(h, run, 'deploy');
  assert.equal(deploy.status, 'failure');
  assert.equal(deploy.reason, 'rejected by bob (environment production): not on a Friday');
  assert.ok(deploy.attempt <= 1, `retry: { on: [failure] } must not repeat a rejection (attempt ${deploy.attempt})`);
  assert.equal((await job(h, run, 'smoke')).status, 'skipped');
  assert.equal(await h.store.logs.lastSeq(run.id, 'deploy'), 0, 'the deploy step never ran');
});

test('only a job waiting at the gate can be decided; other environments need no approval', async (t) => {
  const h = await harness(t);
  await protect(h);
  const { service } = await h.start();
  const staging = await h.queue(deployPlan('staging'));
  service.kick();
  assert.equal((await finished(h.store, staging.id)).status, 'success', 'staging is not protected');
  await rejectsWith(service.decide({ runId: staging.id, jobId: 'deploy', decision: 'approved', actor: 'alice' }), 'RUN_JOB_NOT_AWAITING_APPROVAL');
  await rejectsWith(service.decide({ runId: staging.id, jobId: 'build', decision: 'approved', actor: 'alice' }), 'RUN_JOB_NOT_AWAITING_APPROVAL');
  assert.deepEqual(await h.store.approvals.listForRun(staging.id), [], 'a refused decision stores nothing');
});

test('canceling a run that waits for approval cancels the waiting job', async (t) => {
  const h = await harness(t);
  await protect(h);
  const { service } = await h.start();
  const run = await h.queue(deployPlan());
  service.kick();
  await waitingAtGate(h, run);
  await service.cancel(run.id, 'canceled by carol');
  const ended = await finished(h.store, run.id);
  assert.equal(ended.status, 'canceled');
  assert.equal((await job(h, run, 'deploy')).status, 'canceled');
  await rejectsWith(service.decide({ runId: run.id, jobId: 'deploy', decision: 'approved', actor: 'alice' }), 'RUN_JOB_NOT_AWAITING_APPROVAL');
});

test('a server restart keeps the job waiting; the approval given to the new server lets it run', async (t) => {
  const h = await harness(t);
  await protect(h);
  const first = await h.start();
  const run = await h.queue(deployPlan());
  first.service.kick();
  await waitingAtGate(h, run);
  first.service.stopTakingWork();
  await first.agent.stop({ drain: false });
  await first.service.close();

  const second = await h.start();
  await waitFor('the resumed run to wait at the gate of the new server', async () => {
    try {
      return (await second.service.decide({ runId: run.id, jobId: 'deploy', decision: 'approved', actor: 'alice' })) !== undefined;
    } catch (err) {
      if (err instanceof GantryError && err.code === 'RUN_JOB_NOT_AWAITING_APPROVAL') return false;
      throw err;
    }
  });
  assert.equal((await finished(h.store, run.id)).status, 'success');
  assert.equal((await job(h, run, 'build')).attempt, 1, 'build was not run again');
});
