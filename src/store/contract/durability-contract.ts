import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '../../core/index.js';
import { addProject, freshStore, pushEvent, rejectsWithCode, type MakeStoreHarness } from './harness.js';

export function durabilityContract(make: MakeStoreHarness): void {
  describe('Store contract: lifecycle and durability', () => {
    test('ping answers; close is idempotent; calls after close are STORE_UNAVAILABLE', async (t) => {
      const { store } = await freshStore(t, make);
      await store.ping();
      await store.close();
      await store.close();
      await rejectsWithCode(store.ping(), 'STORE_UNAVAILABLE');
      await rejectsWithCode(store.projects.list(), 'STORE_UNAVAILABLE');
    });

    test('everything written is there after close and reopen, and numbering continues', async (t) => {
      const { harness, store } = await freshStore(t, make);
      const p = await addProject(store, 'app', { webhookSecret: 'w' });
      const run = await store.runs.create({ projectId: p.id, event: pushEvent(), trigger: { kind: 'push' } });
      await store.runs.upsertJob({ runId: run.id, jobId: 'j', name: 'j', status: 'running' });
      await store.runs.upsertStep({ runId: run.id, jobId: 'j', step: 0, name: 's', status: 'running' });
      await store.logs.append([{ runId: run.id, jobId: 'j', step: 0, seq: 1, stream: 'stdout', line: 'hello', ts: 1 }]);
      const { delivery } = await store.deliveries.recordOnce({
        projectId: p.id, forge: 'github', deliveryId: 'd', event: 'push', headers: {}, body: Buffer.from('{}'), outcome: 'accepted', runId: run.id,
      });
      await store.tokens.create({ name: 'admin', hash: 'f'.repeat(64) });
      await store.state.set('poll:1', { main: 'abc' });
      await store.close();

      const again = await harness.open(new ManualClock());
      assert.deepEqual(await again.projects.getById(p.id), p);
      assert.deepEqual(await again.runs.get(run.id), run);
      assert.equal((await again.runs.listJobs(run.id)).length, 1);
      assert.equal((await again.runs.listSteps(run.id, 'j')).length, 1);
      assert.equal((await again.logs.read(run.id, 'j'))[0]?.line, 'hello');
      assert.deepEqual(await again.deliveries.get(delivery.id), delivery);
      assert.equal((await again.deliveries.recordOnce({ ...delivery, reason: null })).duplicate, true);
      assert.equal((await again.tokens.list()).length, 1);
      assert.deepEqual(await again.state.get('poll:1'), { main: 'abc' });
      assert.equal((await again.runs.create({ projectId: p.id, event: pushEvent(), trigger: { kind: 'push' } })).number, 2);
    });

    test('two stores on one database (two connections) allocate run numbers without clashing', async (t) => {
      const { harness, store, clock } = await freshStore(t, make);
      const second = await harness.open(clock);
      const p = await addProject(store);
      const created = await Promise.all(Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? store : second).runs.create({ projectId: p.id, event: pushEvent(), trigger: { kind: 'api' } })));
      assert.deepEqual(created.map((r) => r.number).sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => i + 1));
      const seen = await second.runs.list(p.id, { limit: 100 });
      assert.equal(seen.runs.length, 40);
    });
  });
}
