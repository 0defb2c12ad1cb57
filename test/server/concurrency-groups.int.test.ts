// Concurrency groups through real webhooks into a real `gantry server` process (real git, real
// SQLite, the embedded agent): the newer run of a group waits with the stored reason and starts only
// after the holder ended; with cancel_in_progress the newer run cancels the holder instead.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startProcessWorld, stepRunning } from './helpers/process-world.js';

const pipeline = (command: string, cancelInProgress = false) => `version: 1
on: { push: { branches: [main] } }
concurrency: { group: deploy, cancel_in_progress: ${cancelInProgress} }
jobs:
  work:
    checkout: false
    steps:
      - run: ${command}
`;

test('concurrency group deploy through webhooks', async (t) => {
  const world = await startProcessWorld(t);
  const { origin } = world;
  let head = origin.commit({ 'README.md': 'group tests\n' });

  await t.test('the second run waits with "concurrency group deploy held by run #1", then runs after it', async () => {
    await world.addProject('queue');
    const a = origin.commit({ '.gantry.yml': pipeline('sleep 4') }, { message: 'A' });
    assert.equal(await world.push('queue', a, head, 'q-a'), 201);
    await world.waitRun('queue', 1, 'its job to run', stepRunning('work'));
    const b = origin.commit({ '.gantry.yml': pipeline('echo B') }, { message: 'B' });
    head = b;
    assert.equal(await world.push('queue', b, a, 'q-b'), 201);

    const waiting = await world.waitRun('queue', 2, 'the group reason', (run) => run.reason !== null);
    assert.deepEqual([waiting.status, waiting.reason], ['queued', 'concurrency group deploy held by run #1']);
    assert.equal((await world.run('queue', 1)).status, 'running', 'the holder still runs');

    const one = await world.waitRun('queue', 1, 'to end');
    const two = await world.waitRun('queue', 2, 'to end');
    assert.deepEqual([one.status, two.status], ['success', 'success']);
    assert.ok(Date.parse(two.startedAt!) >= Date.parse(one.finishedAt!), `run #2 started ${two.startedAt}, before run #1 ended ${one.finishedAt}`);
    assert.equal(two.reason, null, 'the wait reason is cleared when it starts');
  });

  await t.test('cancel_in_progress: the newer run cancels the holder, then runs', async () => {
    await world.addProject('takeover');
    const a = origin.commit({ '.gantry.yml': pipeline('sleep 60', true) }, { message: 'A' });
    assert.equal(await world.push('takeover', a, head, 't-a'), 201);
    await world.waitRun('takeover', 1, 'its job to run', stepRunning('work'));
    const b = origin.commit({ '.gantry.yml': pipeline('echo B', true) }, { message: 'B' });
    assert.equal(await world.push('takeover', b, a, 't-b'), 201);

    const one = await world.waitRun('takeover', 1, 'to end');
    assert.equal(one.status, 'canceled');
    assert.equal(one.reason, 'canceled: concurrency group deploy taken by run #2');
    const two = await world.waitRun('takeover', 2, 'to end');
    assert.equal(two.status, 'success', JSON.stringify(two));
    assert.ok(Date.parse(two.startedAt!) >= Date.parse(one.finishedAt!), 'never overlapping, even during the cancel');
  });

  assert.equal(await world.stop(), 0);
});
