import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSyncGate } from './sync-gate.js';

function deferred() {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setImmediate(r));

test('callers in the same tick share one task; callers during a task share one follow-up', async () => {
  const gate = createSyncGate();
  const started: ReturnType<typeof deferred>[] = [];
  const task = () => {
    const d = deferred();
    started.push(d);
    return d.promise;
  };
  const first = [gate.run('p', task), gate.run('p', task)];
  await tick();
  assert.equal(started.length, 1);
  const late = [gate.run('p', task), gate.run('p', task), gate.run('p', task)];
  await tick();
  assert.equal(started.length, 1, 'the follow-up waits for the running task');
  started[0]!.resolve();
  await Promise.all(first);
  await tick();
  assert.equal(started.length, 2);
  started[1]!.resolve();
  await Promise.all(late);
  assert.equal(gate.busy('p'), false, 'idle keys are forgotten');
});

test('a failure reaches every caller of that task; the follow-up still runs; keys are independent', async () => {
  const gate = createSyncGate();
  const d = deferred();
  let runs = 0;
  const failing = gate.run('a', () => {
    runs++;
    return d.promise;
  });
  const other = gate.run('b', async () => {
    runs++;
  });
  await tick();
  const follow = gate.run('a', async () => {
    runs++;
  });
  d.reject(new Error('boom'));
  await assert.rejects(failing, /boom/);
  await follow;
  await other;
  assert.equal(runs, 3);
});
