import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock, type GantryError } from '../../core/index.js';
import { addProject, freshStore, pushEvent, type MakeStoreHarness } from './harness.js';

export function runWritesContract(make: MakeStoreHarness): void {
  describe('RunStore contract: applyWrites (group commit)', () => {
    test('applies run, job and step writes in order, in one call, with the single-write semantics', async (t) => {
      const { store, clock } = await freshStore(t, make);
      const p = await addProject(store);
      const run = await store.runs.create({ projectId: p.id, event: pushEvent(), trigger: { kind: 'push' }, status: 'running' });
      clock.advance(10);
      const errors = await store.runs.applyWrites([
        { kind: 'job', upsert: { runId: run.id, jobId: 'build', name: 'build', status: 'queued', queuedAt: clock.now() } },
        // The step needs the job inserted just before it, in the same call.
        { kind: 'step', upsert: { runId: run.id, jobId: 'build', step: 0, name: 'make', status: 'running', startedAt: clock.now() } },
        { kind: 'job', upsert: { runId: run.id, jobId: 'build', status: 'success', finishedAt: clock.now() } },
        { kind: 'step', upsert: { runId: run.id, jobId: 'build', step: 0, status: 'success', exitCode: 0 } },
        { kind: 'run', runId: run.id, patch: { status: 'success', reason: null }, ifStatus: ['running'] },
        // A compare-and-set that does not match is not an error: it just does not apply.
        { kind: 'run', runId: run.id, patch: { status: 'failure' }, ifStatus: ['running'] },
      ]);
      assert.deepEqual(errors, [undefined, undefined, undefined, undefined, undefined, undefined]);
      const job = await store.runs.getJob(run.id, 'build');
      assert.deepEqual([job?.name, job?.status, job?.queuedAt, job?.finishedAt], ['build', 'success', clock.now(), clock.now()]);
      const [step] = await store.runs.listSteps(run.id, 'build');
      assert.deepEqual([step?.name, step?.status, step?.exitCode, step?.startedAt], ['make', 'success', 0, clock.now()]);
      const after = await store.runs.get(run.id);
      assert.deepEqual([after?.status, after?.finishedAt], ['success', clock.now()]);
    });

    test('a failing write is reported in its slot and undone alone; the others are stored', async (t) => {
      const { store } = await freshStore(t, make);
      const p = await addProject(store);
      const run = await store.runs.create({ projectId: p.id, event: pushEvent(), trigger: { kind: 'push' } });
      const errors = await store.runs.applyWrites([
        { kind: 'job', upsert: { runId: run.id, jobId: 'a', name: 'a', status: 'queued' } },
        { kind: 'job', upsert: { runId: run.id, jobId: 'b', status: 'queued' } }, // first insert without a name
        { kind: 'step', upsert: { runId: run.id, jobId: 'nope', step: 0, name: 's', status: 'running' } }, // no such job
        { kind: 'run', runId: 999_999, patch: { status: 'success' } }, // no such run
        { kind: 'job', upsert: { runId: run.id, jobId: 'c', name: 'c', status: 'queued' } },
      ]);
      assert.equal(errors[0], undefined);
      assert.equal((errors[1] as GantryError).code, 'STORE_INVALID');
      assert.equal((errors[2] as GantryError).code, 'STORE_NOT_FOUND');
      assert.equal((errors[3] as GantryError).code, 'STORE_NOT_FOUND');
      assert.equal(errors[4], undefined);
      assert.deepEqual((await store.runs.listJobs(run.id)).map((j) => j.jobId), ['a', 'c']);
      assert.deepEqual(await store.runs.applyWrites([]), []);
    });

    test('what applyWrites answered is there after close and reopen', async (t) => {
      const { harness, store } = await freshStore(t, make);
      const p = await addProject(store);
      const run = await store.runs.create({ projectId: p.id, event: pushEvent(), trigger: { kind: 'push' } });
      await store.runs.applyWrites([
        { kind: 'job', upsert: { runId: run.id, jobId: 'j', name: 'j', status: 'success' } },
        { kind: 'run', runId: run.id, patch: { status: 'success' } },
      ]);
      await store.close();
      const again = await harness.open(new ManualClock());
      assert.equal((await again.runs.get(run.id))?.status, 'success');
      assert.equal((await again.runs.getJob(run.id, 'j'))?.status, 'success');
    });
  });
}
