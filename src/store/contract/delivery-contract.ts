import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { NewDelivery } from '../index.js';
import { addProject, freshStore, pushEvent, rejectsWithCode, type MakeStoreHarness } from './harness.js';

function delivery(projectId: number | null, deliveryId: string, extra: Partial<NewDelivery> = {}): NewDelivery {
  return {
    projectId, forge: 'github', deliveryId, event: 'push',
    headers: { 'content-type': 'application/json', 'x-github-event': 'push' },
    body: Buffer.from('{"ref":"refs/heads/main"}'), outcome: 'accepted', ...extra,
  };
}

export function deliveryStoreContract(make: MakeStoreHarness): void {
  describe('DeliveryStore contract', () => {
    test('recordOnce stores raw bytes and headers; the same delivery again is a duplicate of the first row', async (t) => {
      const { store, clock } = await freshStore(t, make);
      const p = await addProject(store);
      const bytes = Buffer.from([0x00, 0xff, 0x7b, 0x0a, 0xc3, 0x28]); // not valid UTF-8: must survive as bytes
      const first = await store.deliveries.recordOnce(delivery(p.id, 'd-1', { body: bytes, reason: 'push to main' }));
      assert.equal(first.duplicate, false);
      assert.ok(first.delivery.body.equals(bytes));
      assert.equal(first.delivery.receivedAt, clock.now());
      assert.equal(first.delivery.headers['x-github-event'], 'push');
      clock.advance(1000);
      const again = await store.deliveries.recordOnce(delivery(p.id, 'd-1', { body: Buffer.from('other'), outcome: 'rejected' }));
      assert.equal(again.duplicate, true);
      assert.equal(again.delivery.id, first.delivery.id);
      assert.equal(again.delivery.outcome, 'accepted');
      assert.ok(again.delivery.body.equals(bytes));
      assert.equal(again.delivery.redeliveries, 1);
      assert.equal((await store.deliveries.listByProject(p.id)).length, 1);
    });

    test('identity is (project, forge, delivery id); unknown-project deliveries are deduplicated too', async (t) => {
      const { store } = await freshStore(t, make);
      const a = await addProject(store, 'a');
      const b = await addProject(store, 'b');
      const results = [
        await store.deliveries.recordOnce(delivery(a.id, 'x')),
        await store.deliveries.recordOnce(delivery(b.id, 'x')),
        await store.deliveries.recordOnce(delivery(a.id, 'x', { forge: 'gitea' })),
        await store.deliveries.recordOnce(delivery(null, 'x', { outcome: 'rejected', reason: 'unknown project' })),
        await store.deliveries.recordOnce(delivery(null, 'x', { outcome: 'rejected' })),
      ];
      assert.deepEqual(results.map((r) => r.duplicate), [false, false, false, false, true]);
      assert.equal(new Set(results.map((r) => r.delivery.id)).size, 4);
      const unknown = await store.deliveries.listByProject(null);
      assert.deepEqual(unknown.map((d) => [d.reason, d.redeliveries]), [['unknown project', 1]]);
    });

    test('a replay names its original (replayOf); forge deliveries have none', async (t) => {
      const { store } = await freshStore(t, make);
      const p = await addProject(store);
      const { delivery: original } = await store.deliveries.recordOnce(delivery(p.id, 'd-1'));
      assert.equal(original.replayOf, null);
      const { delivery: replay } = await store.deliveries.recordOnce(delivery(p.id, 'replay-1', { replayOf: original.id }));
      assert.equal(replay.replayOf, original.id);
      assert.equal((await store.deliveries.get(replay.id))?.replayOf, original.id);
    });

    test('concurrent recordOnce of one delivery creates exactly one row', async (t) => {
      const { store } = await freshStore(t, make);
      const p = await addProject(store);
      const results = await Promise.all(Array.from({ length: 25 }, () => store.deliveries.recordOnce(delivery(p.id, 'same'))));
      assert.equal(results.filter((r) => !r.duplicate).length, 1);
      assert.equal(new Set(results.map((r) => r.delivery.id)).size, 1);
      const [row] = await store.deliveries.listByProject(p.id);
      assert.equal(row?.redeliveries, 24);
    });

    test('setOutcome links the run; get; missing ids are STORE_NOT_FOUND', async (t) => {
      const { store } = await freshStore(t, make);
      const p = await addProject(store);
      const { delivery: d } = await store.deliveries.recordOnce(delivery(p.id, 'd'));
      const run = await store.runs.create({ projectId: p.id, event: pushEvent(), trigger: { kind: 'push', deliveryId: d.id } });
      const linked = await store.deliveries.setOutcome(d.id, { runId: run.id, reason: 'run #1' });
      assert.equal(linked.runId, run.id);
      assert.equal(linked.outcome, 'accepted');
      assert.deepEqual(await store.deliveries.get(d.id), linked);
      assert.deepEqual(await store.deliveries.setOutcome(d.id, {}), linked);
      assert.equal(await store.deliveries.get(999), undefined);
      await rejectsWithCode(store.deliveries.setOutcome(999, { outcome: 'ignored' }), 'STORE_NOT_FOUND');
    });

    test('listByProject: newest first, limit and beforeId pages', async (t) => {
      const { store, clock } = await freshStore(t, make);
      const p = await addProject(store);
      for (let i = 1; i <= 5; i++) {
        clock.advance(10);
        await store.deliveries.recordOnce(delivery(p.id, `d${i}`));
      }
      const page1 = await store.deliveries.listByProject(p.id, { limit: 2 });
      assert.deepEqual(page1.map((d) => d.deliveryId), ['d5', 'd4']);
      const page2 = await store.deliveries.listByProject(p.id, { limit: 2, beforeId: page1[1]!.id });
      assert.deepEqual(page2.map((d) => d.deliveryId), ['d3', 'd2']);
    });
  });
}
