// Auto-cancel of superseded runs through real webhooks into a real `gantry server` process (real git,
// real SQLite, the embedded agent running real processes): a newer push on the branch cancels the
// older run mid-job, and the newer run completes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startProcessWorld, stepRunning } from './helpers/process-world.js';

const pipeline = (command: string) => `version: 1
on: { push: { branches: [main] } }
jobs:
  work:
    checkout: false
    steps:
      - run: ${command}
`;

test('a push superseding a running run on main: run #1 ends canceled naming run #2, run #2 succeeds', async (t) => {
  const world = await startProcessWorld(t);
  const { origin } = world;
  const base = origin.commit({ '.gantry.yml': pipeline('true') });
  await world.addProject('web', { autoCancel: true });

  const a = origin.commit({ '.gantry.yml': pipeline('sleep 60') }, { message: 'A: slow' });
  assert.equal(await world.push('web', a, base, 'push-a'), 201);
  await world.waitRun('web', 1, 'its job to run', stepRunning('work'));

  const b = origin.commit({ '.gantry.yml': pipeline('echo B') }, { message: 'B: quick' });
  assert.equal(await world.push('web', b, a, 'push-b'), 201);

  const one = await world.waitRun('web', 1, 'to end');
  assert.equal(one.status, 'canceled', JSON.stringify(one));
  assert.match(one.reason ?? '', /superseded by run #2/);
  assert.equal(one.jobs[0]?.status, 'canceled');
  assert.ok(Date.parse(one.finishedAt!) - Date.parse(one.startedAt!) < 30_000, 'canceled mid-sleep, not after it');

  const two = await world.waitRun('web', 2, 'to end');
  assert.deepEqual([two.status, two.sha], ['success', b], JSON.stringify(two));
  assert.equal(await world.stop(), 0);
});
