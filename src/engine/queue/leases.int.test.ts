import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { GantryError } from '../../core/index.js';
import type { Plan } from '../../pipeline/index.js';
import { openTempSqliteStore } from '../../store/sqlite/index.js';
import type { Lease } from '../agent-port.js';
import { createRunService } from '../run-service.js';
import { compilePlan } from '../../../test/helpers/compile-plan.js';

/*
 * The agent protocol driven by hand, the way a misbehaving or vanished agent would, against the
 * real run service on a real SQLite store: fencing by epoch, lapsed leases, log sequence gaps.
 */

const compile = (yaml: string): Plan => compilePlan(yaml, { sha: 'd'.repeat(40) });

const pipeline = (retry: string) => `version: 1
on: { push: {} }
jobs:
  only:
    checkout: false
    ${retry}
    steps: [{ run: "true" }]
`;

async function setup(t: TestContext, yaml: string, leaseTtlMs = 1000) {
  const temp = await openTempSqliteStore();
  const service = createRunService({ store: temp.store, leaseTtlMs, pollIntervalMs: 20 });
  t.after(async () => {
    await service.close();
    await temp.cleanup();
  });
  const project = await temp.store.projects.create({ name: 'p', repoUrl: '/x', forge: 'generic' });
  const plan = compile(yaml);
  const run = await temp.store.runs.create({ projectId: project.id, event: plan.event, trigger: { kind: 'push' }, plan });
  await service.start();
  const port = service.agentPort;
  const lease = async (): Promise<Lease> => {
    const got = await port.lease({ agentId: 'hand', labels: [], capacity: 1 }, AbortSignal.timeout(5000));
    assert.ok(got, 'a lease');
    return got;
  };
  return { store: temp.store, service, port, run, lease };
}

const stale = (err: unknown) => err instanceof GantryError && err.code === 'LEASE_STALE';

async function waitStatus(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a lapsed lease requeues the job with the next epoch; the old holder is fenced off', async (t) => {
  const h = await setup(t, pipeline('retry: { max: 1, on: [infrastructure], backoff: 10ms }'));
  const first = await h.lease();
  assert.equal(first.epoch, 1);
  assert.equal(first.attempt, 1);
  assert.equal(first.plan.jobs.length, 1, 'an agent sees only its job');
  await waitStatus(async () => (await h.store.runs.getJob(h.run.id, 'only'))?.status === 'running');
  await h.port.appendLogs(first.leaseId, 1, [{ seq: 1, step: 0, stream: 'stdout', line: 'from the first holder', ts: 1 }]);
  // no heartbeat: the lease lapses after 1 s (time enough for the steps above on a loaded machine) and the job is queued again for attempt 2
  const second = await h.lease();
  assert.equal(second.leaseId, first.leaseId);
  assert.equal(second.epoch, 2);
  assert.equal(second.logSeq, 1, 'the next holder continues the log after the stored lines');
  const job = await h.store.runs.getJob(h.run.id, 'only');
  assert.equal(job?.attempt, 2);

  await assert.rejects(h.port.heartbeat(first.leaseId, 1), stale);
  await assert.rejects(h.port.appendLogs(first.leaseId, 1, [{ seq: 2, step: 0, stream: 'stdout', line: 'late', ts: 2 }]), stale);
  await assert.rejects(h.port.reportStep(first.leaseId, 1, { type: 'step:started', job: 'only', step: 0, name: 'x' }), stale);
  await assert.rejects(h.port.done(first.leaseId, 1, { status: 'failure', outputs: {} }), stale);
  await assert.rejects(h.port.heartbeat(first.leaseId, 7), stale, 'an epoch from the future is stale too');

  assert.equal((await h.port.heartbeat(second.leaseId, 2)).cancel, false);
  await h.port.appendLogs(second.leaseId, 2, [{ seq: 2, step: 0, stream: 'stdout', line: 'from the second holder', ts: 3 }]);
  await h.port.done(second.leaseId, 2, { status: 'success', outputs: { ok: 'yes' } });
  await assert.rejects(h.port.done(second.leaseId, 2, { status: 'success', outputs: {} }), stale, 'done is final');
  await h.service.settled(h.run.id);
  const run = await h.store.runs.get(h.run.id);
  assert.equal(run?.status, 'success');
  const final = await h.store.runs.getJob(h.run.id, 'only');
  assert.deepEqual([final?.status, final?.attempt, final?.outputs], ['success', 2, { ok: 'yes' }]);
  assert.deepEqual((await h.store.logs.read(h.run.id, 'only')).map((l) => l.line), ['from the first holder', 'from the second holder']);
});

test('a lapsed lease with no retry left ends the job `error` with "agent lost"', async (t) => {
  const h = await setup(t, pipeline('retry: { max: 0 }'), 200);
  const first = await h.lease();
  await h.service.settled(h.run.id);
  const job = await h.store.runs.getJob(h.run.id, 'only');
  assert.equal(job?.status, 'error');
  assert.match(job?.reason ?? '', /^agent lost/);
  assert.equal((await h.store.runs.get(h.run.id))?.status, 'error');
  await assert.rejects(h.port.done(first.leaseId, first.epoch, { status: 'success', outputs: {} }), stale);
});

test('heartbeats keep a lease; log appends are idempotent on seq and a gap is answered with the seq expected', async (t) => {
  // A lease of 1.5 s beaten every 400 ms: a loaded machine's timers run late, but not by a second.
  const h = await setup(t, pipeline(''), 1500);
  const lease = await h.lease();
  const line = (seq: number) => ({ seq, step: 0, stream: 'stdout' as const, line: `l${seq}`, ts: seq });
  for (let i = 0; i < 6; i++) {
    await new Promise((r) => setTimeout(r, 400));
    await h.port.heartbeat(lease.leaseId, lease.epoch); // 2.4 s > ttl: alive only thanks to heartbeats
  }
  assert.deepEqual(await h.port.appendLogs(lease.leaseId, lease.epoch, [line(1), line(2)]), { acceptedUpTo: 2 });
  assert.deepEqual(await h.port.appendLogs(lease.leaseId, lease.epoch, [line(4), line(5)]), { acceptedUpTo: 2 }, 'gap: 3 expected');
  assert.deepEqual(await h.port.appendLogs(lease.leaseId, lease.epoch, [line(2), line(3), line(4)]), { acceptedUpTo: 4 });
  assert.deepEqual(await h.port.appendLogs(lease.leaseId, lease.epoch, [line(1), line(2)]), { acceptedUpTo: 4 }, 'a resent batch adds nothing');
  await h.port.done(lease.leaseId, lease.epoch, { status: 'success', outputs: {} });
  await h.service.settled(h.run.id);
  assert.deepEqual((await h.store.logs.read(h.run.id, 'only')).map((l) => l.seq), [1, 2, 3, 4]);
  assert.equal((await h.store.runs.get(h.run.id))?.status, 'success');
});

test('canceling a run: the holder learns it from its heartbeat; a job nobody holds ends at once', async (t) => {
  const h = await setup(t, `${pipeline('')}  other:
    checkout: false
    steps: [{ run: "true" }]
`, 2000);
  const lease = await h.lease();
  assert.equal(lease.job.id, 'only');
  assert.equal(h.service.cancelRun(h.run.id, 'canceled by alice'), true);
  assert.equal((await h.port.heartbeat(lease.leaseId, lease.epoch)).cancel, true);
  await h.port.done(lease.leaseId, lease.epoch, { status: 'canceled', outputs: {} });
  await h.service.settled(h.run.id);
  const run = await h.store.runs.get(h.run.id);
  assert.deepEqual([run?.status, run?.reason], ['canceled', 'canceled by alice']);
  const job = await h.store.runs.getJob(h.run.id, 'only');
  assert.deepEqual([job?.status, job?.reason], ['canceled', 'canceled by alice']);
  const other = await h.store.runs.getJob(h.run.id, 'other');
  assert.deepEqual([other?.status, other?.reason, other?.attempt], ['canceled', 'canceled by alice', 1]);
});
