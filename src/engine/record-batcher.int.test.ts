import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { RunWrite, Store } from '../store/index.js';
import { GantryError } from '../core/index.js';
import { openTempSqliteStore } from '../store/sqlite/index.js';
import { batcherFor } from './record-batcher.js';
import { RunRecorder } from './run-recorder.js';

/** A real SQLite store whose applyWrites calls (transactions) are counted. */
async function setup(t: TestContext) {
  const temp = await openTempSqliteStore();
  t.after(() => temp.cleanup());
  const { store } = temp;
  const project = await store.projects.create({ name: 'app', repoUrl: 'file:///nowhere', forge: 'generic' });
  const run = await store.runs.create({ projectId: project.id, event: { name: 'api', sha: 'a'.repeat(40) }, trigger: { kind: 'api' }, status: 'running' });
  const batches: RunWrite[][] = [];
  /** Errors the next applyWrites calls throw (as a transaction that failed as a whole would). */
  const refusals: Error[] = [];
  const runs: Store['runs'] = Object.create(store.runs) as Store['runs'];
  runs.applyWrites = (writes) => {
    batches.push([...writes]);
    const refusal = refusals.shift();
    return refusal ? Promise.reject(refusal) : store.runs.applyWrites(writes);
  };
  const errors: string[] = [];
  const warnings: string[] = [];
  const changed: number[] = [];
  const recorder = new RunRecorder({
    runs, runId: run.id, now: () => 5,
    logger: { info: () => undefined, warn: (_obj, msg) => warnings.push(msg ?? ''), error: (_obj, msg) => errors.push(msg ?? '') },
    onChanged: (id) => changed.push(id),
  });
  return { temp, store, run, runs, recorder, batches, refusals, errors, warnings, changed };
}

test('the writes of one turn of the event loop are one transaction, stored in order, durable when flush resolves', async (t) => {
  const { temp, run, recorder, batches, changed } = await setup(t);
  recorder.job({ jobId: 'build', name: 'build', status: 'queued', queuedAt: 1 });
  recorder.jobLeased('build', 'agent');
  recorder.step({ jobId: 'build', step: 0, name: 'make', status: 'running', startedAt: 2 });
  recorder.step({ jobId: 'build', step: 0, status: 'success', exitCode: 0, finishedAt: 3 });
  recorder.job({ jobId: 'build', status: 'success', finishedAt: 4 });
  recorder.onEvent({ type: 'run:finished', status: 'success', durationMs: 1, jobs: { build: 'success' }, seq: 1, ts: 4 });
  await recorder.flush();
  assert.equal(batches.length, 1, 'one applyWrites call for the whole turn');
  assert.deepEqual(changed, [run.id], 'listeners told once per flush');
  // Read through a second connection: committed, not just visible to the writer.
  const other = await temp.reopen();
  const job = await other.runs.getJob(run.id, 'build');
  assert.deepEqual([job?.status, job?.startedAt, job?.finishedAt], ['success', 5, 4]);
  assert.equal((await other.runs.listSteps(run.id, 'build'))[0]?.status, 'success');
  assert.equal((await other.runs.get(run.id))?.status, 'success');
});

test('patches of one row waiting in the same flush merge into one write (later fields win, others kept)', async (t) => {
  const { store, run, recorder, batches } = await setup(t);
  recorder.job({ jobId: 'test', name: 'test', status: 'queued', queuedAt: 1 });
  await recorder.flush();
  for (let ahead = 200; ahead > 0; ahead--) recorder.jobReason('test', `${ahead} higher-priority jobs ahead`);
  recorder.job({ jobId: 'test', attempt: 1, outputs: undefined });
  await recorder.flush();
  assert.equal(batches.length, 2);
  assert.equal(batches[1]!.length, 1, '201 patches of one job became one write');
  const job = await store.runs.getJob(run.id, 'test');
  assert.deepEqual([job?.reason, job?.attempt, job?.name, job?.queuedAt], ['1 higher-priority jobs ahead', 1, 'test', 1]);
});

test('a write that fails is logged and the rest of its batch is stored; later turns are new batches', async (t) => {
  const { store, run, recorder, batches, errors } = await setup(t);
  recorder.step({ jobId: 'missing', step: 0, name: 's', status: 'running' });
  recorder.job({ jobId: 'ok', name: 'ok', status: 'queued' });
  await recorder.flush();
  assert.deepEqual(errors, ['could not record step missing#0']);
  assert.equal((await store.runs.getJob(run.id, 'ok'))?.status, 'queued');
  await new Promise((resolve) => setTimeout(resolve, 5));
  recorder.job({ jobId: 'ok', status: 'running' });
  await recorder.flush();
  assert.equal(batches.length, 2);
});

test('a detached recorder writes nothing more, even what it queued before detaching', async (t) => {
  const { store, run, recorder } = await setup(t);
  recorder.job({ jobId: 'kept', name: 'kept', status: 'queued' });
  await recorder.flush();
  recorder.job({ jobId: 'kept', status: 'running' });
  recorder.detach();
  recorder.job({ jobId: 'late', name: 'late', status: 'queued' });
  await recorder.flush();
  assert.deepEqual((await store.runs.listJobs(run.id)).map((j) => [j.jobId, j.status]), [['kept', 'queued']]);
});

test('a store that cannot take writes for now (a full disk) loses none: they are tried again until stored, in order, and the flush waits', async (t) => {
  const { store, run, runs, recorder, batches, refusals, errors, warnings } = await setup(t);
  const full = () => new GantryError('STORE_UNAVAILABLE', 'runs.applyWrites: database or disk is full');
  refusals.push(full(), full(), full());
  recorder.job({ jobId: 'build', name: 'build', status: 'running' });
  const flushed = recorder.flush();
  // A later write, queued while the first waits for the store: it must not land before it.
  while (batches.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.match(batcherFor(runs).refusal()?.message ?? '', /disk is full/, 'readiness can say why writes wait');
  recorder.job({ jobId: 'build', status: 'success', finishedAt: 9 });
  await flushed;
  assert.equal(batcherFor(runs).refusal(), undefined);
  assert.equal((await store.runs.getJob(run.id, 'build'))?.status, 'running', 'stored once the store took it');
  await recorder.flush();
  assert.equal((await store.runs.getJob(run.id, 'build'))?.status, 'success', 'the later write landed after it');
  assert.deepEqual(batches.map((b) => b.length), [1, 1, 1, 1, 1], 'three refusals, the retry, then the later write');
  assert.deepEqual(errors, ['could not record 1 writes (job build…) for now: trying again until the store takes them'], 'logged once, not per try');
  assert.deepEqual(warnings, ['the store takes writes again: recorded what had waited']);
});

test('writes refused for good (a closed store) are logged and dropped, not tried again', async (t) => {
  const { recorder, batches, refusals, errors } = await setup(t);
  refusals.push(new GantryError('STORE_UNAVAILABLE', 'store is closed (runs.applyWrites)', { details: { closed: true } }));
  recorder.job({ jobId: 'build', name: 'build', status: 'running' });
  await recorder.flush();
  assert.equal(batches.length, 1);
  assert.deepEqual(errors, ['could not record job build']);
});
