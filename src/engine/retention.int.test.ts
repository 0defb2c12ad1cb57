import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Clock, Status } from '../core/index.js';
import { openTempSqliteStore } from '../store/sqlite/index.js';
import { createRunService } from './index.js';
import { pruneRuns } from './retention.js';

const DAY = 24 * 60 * 60 * 1000;

/** A clock the test sets by hand (the store stamps finishedAt from it; retention reads it). */
function handClock(start: number): Clock & { time: number } {
  const clock = { time: start, now: () => clock.time, monotonic: () => clock.time, sleep: () => Promise.resolve() };
  return clock;
}

async function setup(t: TestContext) {
  const clock = handClock(Date.UTC(2024, 0, 1));
  const temp = await openTempSqliteStore({ clock });
  t.after(() => temp.cleanup());
  const { store } = temp;
  const project = await store.projects.create({ name: 'p', repoUrl: '/x', forge: 'generic' });
  const other = await store.projects.create({ name: 'q', repoUrl: '/y', forge: 'generic' });
  const add = async (projectId: number, status: Status) => {
    const run = await store.runs.create({ projectId, event: { name: 'push', branch: 'main', sha: 'a'.repeat(40) }, trigger: { kind: 'push' } });
    await store.logs.append([{ runId: run.id, jobId: 'j', step: 0, seq: 1, stream: 'stdout', line: 'x', ts: clock.now() }]);
    if (status !== 'queued') await store.runs.update(run.id, { status });
    return run;
  };
  return { clock, store, project, other, add };
}

test('retention by age: ended runs older than maxAgeDays go with their logs; newer and unfinished runs stay', async (t) => {
  const { clock, store, project, add } = await setup(t);
  const old = await add(project.id, 'success');
  const oldQueued = await add(project.id, 'queued');
  const oldRunning = await add(project.id, 'running');
  clock.time += 10 * DAY;
  const recent = await add(project.id, 'failure');
  assert.equal(await pruneRuns(store.runs, clock.now(), { maxAgeDays: 5, keepPerProject: null }), 1);
  assert.equal(await store.runs.get(old.id), undefined);
  assert.deepEqual(await store.logs.read(old.id, 'j'), [], 'its log lines went with it');
  for (const kept of [oldQueued, oldRunning, recent]) assert.ok(await store.runs.get(kept.id), `run #${kept.number} kept`);
  assert.equal((await store.logs.read(recent.id, 'j')).length, 1);
  assert.equal(await pruneRuns(store.runs, clock.now(), { maxAgeDays: null, keepPerProject: null }), 0, 'both rules off: nothing');
});

test('retention by count: at most keepPerProject newest runs per project; unfinished runs are never deleted', async (t) => {
  const { clock, store, project, other, add } = await setup(t);
  const running = await add(project.id, 'running');
  for (let i = 0; i < 5; i++) await add(project.id, 'success');
  const others = [await add(other.id, 'success'), await add(other.id, 'success')];
  assert.equal(await pruneRuns(store.runs, clock.now(), { maxAgeDays: null, keepPerProject: 3 }), 2);
  const left = (await store.runs.list(project.id)).runs.map((r) => r.number);
  assert.deepEqual(left, [6, 5, 4, running.number], 'the 3 newest, plus the running one');
  for (const r of others) assert.ok(await store.runs.get(r.id), 'another project counts on its own');
});

test('the run service prunes at start and then every intervalMs, by the injected clock', async (t) => {
  const { clock, store, project, add } = await setup(t);
  const first = await add(project.id, 'success');
  clock.time += 2 * DAY;
  const second = await add(project.id, 'success');
  const service = createRunService({ store, clock, leaseTtlMs: 10_000, retention: { maxAgeDays: 1, keepPerProject: null, intervalMs: 30 } });
  t.after(() => service.close());
  await service.start();
  const deadline = Date.now() + 20_000;
  while ((await store.runs.get(first.id)) !== undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(await store.runs.get(first.id), undefined, 'pruned at start');
  assert.ok(await store.runs.get(second.id));
  clock.time += 2 * DAY;
  while ((await store.runs.get(second.id)) !== undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(await store.runs.get(second.id), undefined, 'pruned on a later tick once the clock moved on');
});
