import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LogLine } from '../index.js';
import { addProject, freshStore, pushEvent, rejectsWithCode, type MakeStoreHarness } from './harness.js';

function lines(runId: number, jobId: string, from: number, count: number, step = 0): LogLine[] {
  return Array.from({ length: count }, (_, i) => ({
    runId, jobId, step, seq: from + i, stream: i % 7 === 0 ? 'stderr' : 'stdout', line: `line ${from + i} ✓ 日本`, ts: 1000 + from + i,
  }));
}

export function logStoreContract(make: MakeStoreHarness): void {
  describe('LogStore contract', () => {
    async function setup(t: Parameters<typeof freshStore>[0]) {
      const ctx = await freshStore(t, make);
      const p = await addProject(ctx.store);
      const run = await ctx.store.runs.create({ projectId: p.id, event: pushEvent(), trigger: { kind: 'push' } });
      return { ...ctx, runId: run.id };
    }

    test('append then read in seq order with afterSeq and limit; lastSeq', async (t) => {
      const { store, runId } = await setup(t);
      assert.equal(await store.logs.lastSeq(runId, 'build'), 0);
      // Out of order within a batch and across batches: reads still come back by seq.
      assert.equal(await store.logs.append([...lines(runId, 'build', 4, 3)].reverse()), 3);
      assert.equal(await store.logs.append(lines(runId, 'build', 1, 3)), 3);
      await store.logs.append([{ runId, jobId: 'build', step: null, seq: 7, stream: 'system', line: '', ts: 5 }]);
      const all = await store.logs.read(runId, 'build');
      assert.deepEqual(all.map((l) => l.seq), [1, 2, 3, 4, 5, 6, 7]);
      assert.deepEqual(all[0], lines(runId, 'build', 1, 1)[0]);
      assert.deepEqual(all[6], { runId, jobId: 'build', step: null, seq: 7, stream: 'system', line: '', ts: 5 });
      assert.deepEqual((await store.logs.read(runId, 'build', { afterSeq: 3, limit: 2 })).map((l) => l.seq), [4, 5]);
      assert.equal(await store.logs.lastSeq(runId, 'build'), 7);
      assert.deepEqual(await store.logs.read(runId, 'other'), []);
      assert.equal(await store.logs.append([]), 0);
    });

    test('a retried or overlapping batch does not duplicate lines', async (t) => {
      const { store, runId } = await setup(t);
      const batch = lines(runId, 'build', 1, 100);
      assert.equal(await store.logs.append(batch), 100);
      assert.equal(await store.logs.append(batch), 0);
      assert.equal(await store.logs.append(lines(runId, 'build', 51, 100)), 50);
      const all = await store.logs.read(runId, 'build', { limit: 10_000 });
      assert.deepEqual(all.map((l) => l.seq), Array.from({ length: 150 }, (_, i) => i + 1));
    });

    test('a batch naming a missing run fails whole: nothing of it is stored', async (t) => {
      const { store, runId } = await setup(t);
      const batch = [...lines(runId, 'build', 1, 10), ...lines(runId + 1000, 'build', 1, 1)];
      await rejectsWithCode(store.logs.append(batch), 'STORE_NOT_FOUND');
      assert.equal(await store.logs.lastSeq(runId, 'build'), 0);
      await rejectsWithCode(store.logs.append([{ ...lines(runId, 'b', 1, 1)[0]!, stream: 'bogus' as 'stdout' }]), 'STORE_INVALID');
    });

    test('10 000 lines of two jobs in 1000-line batches read back complete and in order', async (t) => {
      const { store, runId } = await setup(t);
      for (let from = 1; from <= 5000; from += 1000) {
        await store.logs.append([...lines(runId, 'a', from, 1000), ...lines(runId, 'b', from, 1000, 1)]);
      }
      for (const job of ['a', 'b']) {
        const seen: number[] = [];
        let after = 0;
        for (;;) {
          const page = await store.logs.read(runId, job, { afterSeq: after, limit: 1500 });
          if (page.length === 0) break;
          seen.push(...page.map((l) => l.seq));
          after = page[page.length - 1]!.seq;
        }
        assert.equal(seen.length, 5000);
        assert.ok(seen.every((s, i) => s === i + 1), `${job}: seq 1..5000 without gap or duplicate`);
        assert.equal(await store.logs.lastSeq(runId, job), 5000);
      }
    });
  });
}
