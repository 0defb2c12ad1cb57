import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePipeline, loadPipeline, type Plan } from '../pipeline/index.js';
import { finished, harness, waitFor } from '../../test/helpers/service-harness.js';

/* Scheduling as stored: why runs and jobs wait, with the real service, agent and SQLite store. */

function compile(jobs: string): Plan {
  const loaded = loadPipeline(`version: 1\non: { push: {} }\njobs:\n${jobs}`, '.gantry.yml');
  assert.ok(loaded.loaded, JSON.stringify(loaded.diagnostics));
  const compiled = compilePipeline(loaded.loaded, { name: 'push', branch: 'main', sha: 'f'.repeat(40) });
  assert.ok(compiled.plan, JSON.stringify(compiled.diagnostics));
  return compiled.plan;
}

test("a run over its project's limit waits `queued` with the reason, then runs when a slot frees", async (t) => {
  const h = await harness(t);
  await h.store.projects.update(h.project.id, { settings: { maxConcurrentRuns: 1 } });
  const plan = compile('  only: { checkout: false, steps: [{ run: "sleep 0.3" }] }\n');
  const first = await h.queue(plan);
  const second = await h.queue(plan);
  await h.start();
  const waiting = await waitFor('the second run to say why it waits', async () => {
    const run = await h.store.runs.get(second.id);
    return run?.status === 'queued' && run.reason !== null ? run : undefined;
  });
  assert.equal(waiting.reason, 'project limit 1 reached');
  assert.equal((await h.store.runs.get(first.id))?.status, 'running');
  const a = await finished(h.store, first.id);
  const b = await finished(h.store, second.id);
  assert.deepEqual([a.status, b.status], ['success', 'success']);
  assert.ok(b.startedAt! >= a.finishedAt!, 'never both at once');
  assert.equal(b.reason, null);
});

test('a job no agent can take waits with the reason stored; the rest of the run goes on', async (t) => {
  const h = await harness(t);
  const run = await h.queue(
    compile(`  gpu: { checkout: false, runs_on: [gpu], steps: [{ run: "true" }] }
  cpu: { checkout: false, steps: [{ run: "true" }] }
`),
  );
  const { service } = await h.start();
  await waitFor('cpu to finish', async () => (await h.store.runs.getJob(run.id, 'cpu'))?.status === 'success');
  const gpu = await waitFor('the gpu job reason', async () => {
    const job = await h.store.runs.getJob(run.id, 'gpu');
    return job?.reason === 'no agent with labels [gpu]' ? job : undefined;
  });
  assert.equal(gpu.status, 'queued');
  assert.equal(gpu.attempt, 1);
  service.cancelRun(run.id, 'nobody has a gpu');
  const done = await finished(h.store, run.id);
  assert.deepEqual([done.status, done.reason], ['canceled', 'nobody has a gpu']);
});

test('many queued runs drain through an agent of capacity 2: all succeed, never more than 2 jobs at once', async (t) => {
  const h = await harness(t, { capacity: 2 });
  const plan = compile('  only: { checkout: false, steps: [{ run: "true" }] }\n');
  const runs = [];
  for (let i = 0; i < 30; i++) runs.push(await h.queue(plan));
  const began = Date.now();
  await h.start();
  for (const run of runs) assert.equal((await finished(h.store, run.id)).status, 'success');
  const elapsed = Date.now() - began;
  const spans = [];
  for (const run of runs) {
    const job = (await h.store.runs.getJob(run.id, 'only'))!;
    spans.push([job.startedAt!, job.finishedAt!] as const);
  }
  for (const [start] of spans) {
    const overlapping = spans.filter(([s, f]) => s <= start && f > start).length;
    assert.ok(overlapping <= 2, `${overlapping} jobs running at ${start}`);
  }
  t.diagnostic(`30 one-job runs in ${elapsed} ms (${((30 * 1000) / elapsed).toFixed(0)} runs/s)`);
});
