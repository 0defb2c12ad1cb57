// The server settings for global limits and retention reach the engine of a real `gantry server`
// process: maxConcurrentRuns holds runs back with the stored reason, maxConcurrentJobs keeps jobs of a
// run from overlapping although the agent could run two, retentionRunsPerProject prunes at start.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunView } from '../../src/api-client/index.js';
import { waitFor } from '../helpers/service-harness.js';
import { startProcessWorld } from './helpers/process-world.js';

const PIPELINE = `version: 1
on: { api: {} }
jobs:
  a:
    checkout: false
    steps: [{ run: sleep 0.5 }]
  b:
    checkout: false
    steps: [{ run: sleep 0.5 }]
`;

const SETTINGS = {
  GANTRY_MAX_CONCURRENT_RUNS: '1',
  GANTRY_MAX_CONCURRENT_JOBS: '1',
  GANTRY_EMBEDDED_AGENT_CAPACITY: '2',
  GANTRY_RETENTION_RUNS_PER_PROJECT: '2',
};

test('maxConcurrentRuns, maxConcurrentJobs and retentionRunsPerProject as GANTRY_* settings', async (t) => {
  const world = await startProcessWorld(t, SETTINGS);
  world.origin.commit({ '.gantry.yml': PIPELINE });
  await world.addProject('limits');
  for (let i = 0; i < 3; i++) assert.equal((await world.api('POST', '/projects/limits/runs', {})).status, 201);

  const waiting = await world.waitRun('limits', 2, 'the global limit reason', (run) => run.reason !== null || run.status !== 'queued');
  assert.deepEqual([waiting.status, waiting.reason], ['queued', 'global limit 1 reached']);

  const runs = [];
  for (const number of [1, 2, 3]) runs.push(await world.waitRun('limits', number, 'to end'));
  assert.deepEqual(runs.map((r) => r.status), ['success', 'success', 'success']);
  for (let i = 1; i < runs.length; i++) assert.ok(Date.parse(runs[i]!.startedAt!) >= Date.parse(runs[i - 1]!.finishedAt!), 'runs one at a time');
  // The commands never overlap (a job's own end is recorded a moment after its lease is released).
  for (const run of runs) {
    const [first, second] = run.jobs.map((job) => job.steps[0]!).sort((x, y) => Date.parse(x.startedAt!) - Date.parse(y.startedAt!));
    assert.ok(Date.parse(second!.startedAt!) >= Date.parse(first!.finishedAt!), `jobs of run #${run.number} overlapped: ${JSON.stringify(run.jobs)}`);
  }
  assert.equal(await world.stop(), 0);

  // Retention prunes at start (and then hourly): only the 2 newest runs stay.
  await world.start();
  const kept = await waitFor('retention to prune', async () => {
    const list = await world.api('GET', '/projects/limits/runs');
    const numbers = (list.json as { runs: RunView[] }).runs.map((r) => r.number);
    return numbers.length === 2 ? numbers : undefined;
  });
  assert.deepEqual(kept, [3, 2]);
  assert.equal((await world.api('GET', '/projects/limits/runs/1')).status, 404);
  assert.equal(await world.stop(), 0);
});
