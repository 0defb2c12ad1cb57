import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Store } from '../store/index.js';
import { finished, harness } from '../../test/helpers/service-harness.js';
import { compilePlan } from '../../test/helpers/compile-plan.js';

/*
 * The run bookkeeping's commits, counted with real parts (SQLite, run service, embedded agent
 * running real processes): each applyWrites / update / upsert call is one transaction, one fsync.
 */

const compile = compilePlan;

/** The store with its run writes counted: transactions, and rows written through applyWrites. */
function counted(store: Store) {
  const counts = { transactions: 0, rows: 0 };
  const runs = Object.create(store.runs) as Store['runs'];
  runs.applyWrites = (writes) => {
    counts.transactions++;
    counts.rows += writes.length;
    return store.runs.applyWrites(writes);
  };
  for (const name of ['update', 'upsertJob', 'upsertStep'] as const) {
    const original = store.runs[name].bind(store.runs) as (...args: unknown[]) => Promise<never>;
    (runs as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      counts.transactions++;
      return original(...args);
    };
  }
  return { store: { ...store, runs }, counts };
}

test('a one-job, one-step run is recorded in a handful of commits, not one per transition', async (t) => {
  const h = await harness(t, { capacity: 1 });
  const { store, counts } = counted(h.store);
  await h.start(store);
  const run = await h.queue(compile('version: 1\non: { push: {} }\njobs:\n  only: { checkout: false, steps: [{ run: "true" }] }\n'));
  assert.equal((await finished(h.store, run.id)).status, 'success');
  const job = await h.store.runs.getJob(run.id, 'only');
  assert.equal(job?.status, 'success');
  assert.equal((await h.store.runs.listSteps(run.id, 'only'))[0]?.status, 'success');
  // queued → running (admission), then the recorder: job queued/started/leased, step started,
  // step finished, job finished, run finished — 8 commits with one transaction per write.
  t.diagnostic(`${counts.transactions} transactions, ${counts.rows} rows through applyWrites`);
  assert.ok(counts.transactions <= 6, `${counts.transactions} transactions for one run`);
});

test('12 queued jobs drained one at a time: the waiting reasons are merged per flush, not written per change', async (t) => {
  const h = await harness(t, { capacity: 1 });
  const { store, counts } = counted(h.store);
  await h.start(store);
  const jobs = Array.from({ length: 12 }, (_, i) => `  j${i}: { checkout: false, steps: [{ run: "true" }] }`).join('\n');
  const run = await h.queue(compile(`version: 1\non: { push: {} }\njobs:\n${jobs}\n`));
  assert.equal((await finished(h.store, run.id)).status, 'success');
  t.diagnostic(`${counts.transactions} transactions, ${counts.rows} rows through applyWrites`);
  // Each job's "N higher-priority jobs ahead" changes every time one leaves: 12²/2 = 72 reason
  // writes, each its own commit, plus 5 per job and the 12 inserts — about 140 commits before group commit.
  assert.ok(counts.transactions < 12 * 7, `${counts.transactions} transactions for 12 jobs`);
  const reasons = (await h.store.runs.listJobs(run.id)).map((j) => j.reason);
  assert.ok(reasons.every((r) => r === null), `every job ended without a waiting reason: ${JSON.stringify(reasons)}`);
});
