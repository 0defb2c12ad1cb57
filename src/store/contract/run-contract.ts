import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Store } from '../index.js';
import { addProject, freshStore, pushEvent, rejectsWithCode, type MakeStoreHarness } from './harness.js';

async function runs(store: Store, projectId: number, n: number, branch = 'main') {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await store.runs.create({ projectId, event: pushEvent(branch), trigger: { kind: 'push' } }));
  return out;
}

export function runStoreContract(make: MakeStoreHarness): void {
  describe('RunStore contract: runs', () => {
    test('numbers are per project, consecutive, and never reused after runs are deleted', async (t) => {
      const { store } = await freshStore(t, make);
      const a = await addProject(store, 'a');
      const b = await addProject(store, 'b');
      assert.deepEqual((await runs(store, a.id, 3)).map((r) => r.number), [1, 2, 3]);
      assert.deepEqual((await runs(store, b.id, 2)).map((r) => r.number), [1, 2]);
      for (const r of (await store.runs.list(a.id)).runs) await store.runs.update(r.id, { status: 'success' });
      assert.equal(await store.runs.prune({ keepPerProject: 0 }), 3);
      assert.equal((await runs(store, a.id, 1))[0]?.number, 4);
      await rejectsWithCode(store.runs.create({ projectId: 999, event: pushEvent(), trigger: { kind: 'push' } }), 'STORE_NOT_FOUND');
    });

    test('concurrent creates get distinct consecutive numbers', async (t) => {
      const { store } = await freshStore(t, make);
      const a = await addProject(store, 'a');
      const b = await addProject(store, 'b');
      const created = await Promise.all(Array.from({ length: 60 }, (_, i) =>
        store.runs.create({ projectId: i % 2 ? a.id : b.id, event: pushEvent(), trigger: { kind: 'api' } })));
      for (const p of [a, b]) {
        const numbers = created.filter((r) => r.projectId === p.id).map((r) => r.number).sort((x, y) => x - y);
        assert.deepEqual(numbers, Array.from({ length: 30 }, (_, i) => i + 1));
      }
    });

    test('create keeps event, trigger and plan; get by id and by number', async (t) => {
      const { store, clock } = await freshStore(t, make);
      const p = await addProject(store);
      const event = { name: 'pull_request' as const, branch: 'feat/x', baseBranch: 'main', sha: 'b'.repeat(40), fromFork: true };
      const plan = { version: 1, jobs: [] } as unknown as NonNullable<Parameters<Store['runs']['create']>[0]['plan']>;
      const run = await store.runs.create({ projectId: p.id, event, plan, trigger: { kind: 'pull_request', actor: 'octocat', deliveryId: null } });
      assert.deepEqual(run.event, event);
      assert.deepEqual(run.plan, plan);
      assert.deepEqual(run.trigger, { kind: 'pull_request', actor: 'octocat', deliveryId: null });
      assert.equal(run.eventName, 'pull_request');
      assert.equal(run.branch, 'feat/x');
      assert.equal(run.status, 'queued');
      assert.equal(run.createdAt, clock.now());
      assert.equal(run.startedAt, null);
      assert.deepEqual(await store.runs.get(run.id), run);
      assert.deepEqual(await store.runs.getByNumber(p.id, 1), run);
      assert.equal(await store.runs.getByNumber(p.id, 2), undefined);
    });

    test('update stamps startedAt/finishedAt, honours ifStatus, clears finishedAt on retry', async (t) => {
      const { store, clock } = await freshStore(t, make);
      const p = await addProject(store);
      const [run] = await runs(store, p.id, 1);
      const t0 = clock.advance(100);
      const running = await store.runs.update(run!.id, { status: 'running' });
      assert.equal(running?.startedAt, t0);
      const t1 = clock.advance(100);
      const done = await store.runs.update(run!.id, { status: 'canceled', reason: 'canceled by admin' }, { ifStatus: ['queued', 'running'] });
      assert.equal(done?.finishedAt, t1);
      assert.equal(done?.reason, 'canceled by admin');
      clock.advance(100);
      // A late "success" must not overwrite the cancellation.
      assert.equal(await store.runs.update(run!.id, { status: 'success' }, { ifStatus: ['running'] }), undefined);
      assert.equal((await store.runs.get(run!.id))?.status, 'canceled');
      const same = await store.runs.update(run!.id, { status: 'error' });
      assert.equal(same?.finishedAt, t1, 'final → final keeps the first finish time');
      const retried = await store.runs.update(run!.id, { status: 'queued', reason: null });
      assert.equal(retried?.finishedAt, null);
      assert.equal(retried?.startedAt, t0);
      assert.equal(retried?.reason, null);
      await rejectsWithCode(store.runs.update(999, { status: 'running' }), 'STORE_NOT_FOUND');
    });

    test('list filters by status, branch and event and pages by number', async (t) => {
      const { store } = await freshStore(t, make);
      const p = await addProject(store);
      const other = await addProject(store, 'other');
      await runs(store, other.id, 2);
      const main = await runs(store, p.id, 5, 'main');
      await runs(store, p.id, 2, 'dev');
      await store.runs.create({ projectId: p.id, event: { name: 'tag', tag: 'v1', sha: 'c'.repeat(40) }, trigger: { kind: 'tag' } });
      await store.runs.update(main[1]!.id, { status: 'failure' });
      await store.runs.update(main[3]!.id, { status: 'running' });
      const all = await store.runs.list(p.id, { limit: 3 });
      assert.deepEqual(all.runs.map((r) => r.number), [8, 7, 6]);
      const next = await store.runs.list(p.id, { limit: 3, before: all.nextCursor! });
      assert.deepEqual(next.runs.map((r) => r.number), [5, 4, 3]);
      const last = await store.runs.list(p.id, { limit: 3, before: next.nextCursor! });
      assert.deepEqual(last.runs.map((r) => r.number), [2, 1]);
      assert.equal(last.nextCursor, null);
      assert.deepEqual((await store.runs.list(p.id, { branch: 'dev' })).runs.map((r) => r.number), [7, 6]);
      assert.deepEqual((await store.runs.list(p.id, { event: 'tag' })).runs.map((r) => r.tag), ['v1']);
      assert.deepEqual((await store.runs.list(p.id, { status: 'failure' })).runs.map((r) => r.number), [2]);
      assert.deepEqual((await store.runs.list(p.id, { status: ['failure', 'running'], branch: 'main' })).runs.map((r) => r.number), [4, 2]);
      assert.deepEqual((await store.runs.list(p.id, { status: [] })).runs, []);
      assert.deepEqual((await store.runs.listByStatus(['queued'])).map((r) => [r.projectId, r.number]),
        [[other.id, 1], [other.id, 2], [p.id, 1], [p.id, 3], [p.id, 5], [p.id, 6], [p.id, 7], [p.id, 8]]);
    });

    test('countRunsByStatus counts the runs of every project by status; statuses with none are absent', async (t) => {
      const { store } = await freshStore(t, make);
      assert.deepEqual(await store.runs.countRunsByStatus(), {});
      const p = await addProject(store);
      const other = await addProject(store, 'other');
      const mine = await runs(store, p.id, 4);
      await runs(store, other.id, 2);
      await store.runs.update(mine[0]!.id, { status: 'success' });
      await store.runs.update(mine[1]!.id, { status: 'success' });
      await store.runs.update(mine[2]!.id, { status: 'running' });
      assert.deepEqual(await store.runs.countRunsByStatus(), { queued: 3, running: 1, success: 2 });
    });

    test('prune deletes only final runs, by finish time and by count per project, with their jobs and logs', async (t) => {
      const { store, clock } = await freshStore(t, make);
      const p = await addProject(store);
      const [old, mid, running, fresh] = await runs(store, p.id, 4);
      await store.runs.update(old!.id, { status: 'success' });
      await store.runs.upsertJob({ runId: old!.id, jobId: 'j', name: 'j', status: 'success' });
      await store.logs.append([{ runId: old!.id, jobId: 'j', step: 0, seq: 1, stream: 'stdout', line: 'x', ts: 1 }]);
      const cutoff = clock.advance(1000);
      await store.runs.update(mid!.id, { status: 'failure' });
      await store.runs.update(running!.id, { status: 'running' });
      await store.runs.update(fresh!.id, { status: 'success' });
      assert.equal(await store.runs.prune({ finishedBefore: cutoff }), 1);
      assert.equal(await store.runs.get(old!.id), undefined);
      assert.deepEqual(await store.runs.listJobs(old!.id), []);
      assert.deepEqual(await store.logs.read(old!.id, 'j'), []);
      assert.equal(await store.runs.prune({ keepPerProject: 1 }), 1, 'only #2 goes: #3 runs, #4 is the newest');
      assert.deepEqual((await store.runs.list(p.id)).runs.map((r) => r.number), [4, 3]);
    });
  });

  describe('RunStore contract: jobs and steps', () => {
    test('upsertJob inserts, then patches only given fields; reasons for waiting/skipped are kept', async (t) => {
      const { store, clock } = await freshStore(t, make);
      const p = await addProject(store);
      const [run] = await runs(store, p.id, 1);
      const runId = run!.id;
      await rejectsWithCode(store.runs.upsertJob({ runId, jobId: 'build', status: 'queued' }), 'STORE_INVALID');
      await store.runs.upsertJob({ runId, jobId: 'test', name: 'test', status: 'waiting', reason: '3 higher-priority jobs ahead', queuedAt: clock.now() });
      await store.runs.upsertJob({ runId, jobId: 'build', name: 'build', status: 'skipped', reason: 'if: false' });
      await store.runs.upsertJob({ runId, jobId: 'deploy', name: 'deploy', status: 'waiting', reason: 'approval required (environment production)' });
      clock.advance(50);
      const started = await store.runs.upsertJob({ runId, jobId: 'test', status: 'running', reason: null, attempt: 1, startedAt: clock.now() });
      assert.equal(started.name, 'test');
      assert.equal(started.reason, null);
      assert.equal(started.queuedAt, clock.now() - 50);
      const done = await store.runs.upsertJob({ runId, jobId: 'test', status: 'success', finishedAt: clock.now(), outputs: { digest: 'sha256:1' } });
      assert.equal(done.attempt, 1);
      assert.deepEqual(done.outputs, { digest: 'sha256:1' });
      const jobs = await store.runs.listJobs(runId);
      assert.deepEqual(jobs.map((j) => [j.jobId, j.status, j.reason]), [
        ['test', 'success', null],
        ['build', 'skipped', 'if: false'],
        ['deploy', 'waiting', 'approval required (environment production)'],
      ]);
      assert.deepEqual(await store.runs.getJob(runId, 'test'), done);
      assert.equal(await store.runs.getJob(runId, 'nope'), undefined);
      await rejectsWithCode(store.runs.upsertJob({ runId: 999, jobId: 'x', name: 'x', status: 'queued' }), 'STORE_NOT_FOUND');
    });

    test('upsertStep records steps of a job in index order; the job must exist', async (t) => {
      const { store, clock } = await freshStore(t, make);
      const p = await addProject(store);
      const [run] = await runs(store, p.id, 1);
      const runId = run!.id;
      await rejectsWithCode(store.runs.upsertStep({ runId, jobId: 'build', step: 0, name: 'npm ci', status: 'running' }), 'STORE_NOT_FOUND');
      await store.runs.upsertJob({ runId, jobId: 'build', name: 'build', status: 'running' });
      await store.runs.upsertStep({ runId, jobId: 'build', step: 1, name: 'npm test', status: 'queued' });
      await store.runs.upsertStep({ runId, jobId: 'build', step: 0, name: 'npm ci', status: 'running', startedAt: clock.now() });
      clock.advance(20);
      const failed = await store.runs.upsertStep({ runId, jobId: 'build', step: 0, status: 'failure', exitCode: 1, finishedAt: clock.now() });
      assert.equal(failed.name, 'npm ci');
      assert.equal(failed.startedAt, clock.now() - 20);
      await store.runs.upsertStep({ runId, jobId: 'build', step: 1, status: 'skipped', reason: 'an earlier step failed' });
      const steps = await store.runs.listSteps(runId, 'build');
      assert.deepEqual(steps.map((s) => [s.step, s.name, s.status, s.exitCode, s.reason]), [
        [0, 'npm ci', 'failure', 1, null],
        [1, 'npm test', 'skipped', null, 'an earlier step failed'],
      ]);
      await rejectsWithCode(store.runs.upsertStep({ runId, jobId: 'build', step: 2, status: 'queued' }), 'STORE_INVALID');
    });
  });
}
