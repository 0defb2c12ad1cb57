// SIGTERM to a real `gantry server` process with a job running (embedded agent, real processes, real
// SQLite): it stops accepting, lets the job finish within shutdownGrace, exits 0 with the run and its
// log stored; with a grace shorter than the job, the job is canceled with the reason recorded and a
// restart does not run it again.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { waitFor } from '../helpers/service-harness.js';
import { startProcessWorld, stepRunning, type ProcessWorld } from './helpers/process-world.js';

const pipeline = (script: string) => `version: 1
on: { api: {} }
jobs:
  work:
    checkout: false
    steps:
      - run: ${script}
`;

/** What the database says after the server exited. */
async function stored(world: ProcessWorld) {
  const store = await createSqliteStore({ file: join(world.dataDir, 'gantry.db') });
  try {
    const project = await store.projects.getByName('drain');
    const { runs } = await store.runs.list(project!.id);
    const run = runs.find((r) => r.number === 1)!;
    return { runs, run, jobs: await store.runs.listJobs(run.id), logs: await store.logs.read(run.id, 'work') };
  } finally {
    await store.close();
  }
}

test('SIGTERM with a job running: no new work accepted, the job finishes within the grace, exit 0, run success with its log', async (t) => {
  const world = await startProcessWorld(t);
  world.origin.commit({ '.gantry.yml': pipeline('sleep 3; echo done') });
  await world.addProject('drain');
  assert.equal((await world.api('POST', '/projects/drain/runs', {})).status, 201);
  await world.waitRun('drain', 1, 'its job to run', stepRunning('work'));

  const signaledAt = Date.now();
  const exited = world.stop('SIGTERM');
  await waitFor('the server to begin stopping', async () => world.server.stdout().includes('"msg":"gantry server stopping"'));
  const refused = await triggerRefused(world);
  assert.ok(refused.refused, `a trigger after SIGTERM is refused (got ${refused.got})`);
  assert.equal(await exited, 0, world.server.stderr());

  const { runs, run, jobs, logs } = await stored(world);
  assert.deepEqual(runs.map((r) => r.number), [1], 'the refused trigger stored nothing');
  assert.equal(run.status, 'success', run.reason ?? '');
  assert.deepEqual(jobs.map((j) => [j.jobId, j.status]), [['work', 'success']]);
  assert.ok(jobs[0]!.finishedAt! >= signaledAt, 'the job was still running at SIGTERM and finished during the drain');
  assert.deepEqual(logs.filter((l) => l.stream === 'stdout').map((l) => l.line), ['done']);
});

test('SIGTERM with a grace shorter than the job: the job ends canceled with the reason, exit 0, and a restart does not run it again', async (t) => {
  const world = await startProcessWorld(t, { GANTRY_SHUTDOWN_GRACE: '500ms' });
  const marker = join(world.dataDir, 'starts.txt');
  world.origin.commit({ '.gantry.yml': pipeline(`echo start >> "${marker}"; sleep 60; echo done`) });
  await world.addProject('drain');
  assert.equal((await world.api('POST', '/projects/drain/runs', {})).status, 201);
  await world.waitRun('drain', 1, 'its job to run', stepRunning('work'));

  const began = Date.now();
  assert.equal(await world.stop('SIGTERM'), 0, world.server.stderr());
  assert.ok(Date.now() - began < 20_000, `stopped after ${Date.now() - began} ms, not after the job's 60 s`);
  const after = await stored(world);
  assert.equal(after.run.status, 'canceled');
  assert.match(after.run.reason ?? '', /SIGTERM/);
  assert.deepEqual(after.jobs.map((j) => [j.jobId, j.status]), [['work', 'canceled']]);
  assert.match(after.jobs[0]!.reason ?? '', /SIGTERM/);
  assert.ok(!after.logs.some((l) => l.line === 'done'));

  await world.start();
  // The restarted server resumes running runs and starts queued ones at once; give it a moment.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const again = await world.run('drain', 1);
  assert.equal(again.status, 'canceled', 'final: not resumed');
  assert.equal((await world.api('GET', '/projects/drain/runs')).status, 200);
  assert.equal(await world.stop('SIGTERM'), 0);
  assert.deepEqual(readFileSync(marker, 'utf8').trim().split('\n'), ['start'], 'the job started once');
});

/** A trigger once the server began stopping: refused (connection refused or closed, or 503 while closing)? */
async function triggerRefused(world: ProcessWorld): Promise<{ refused: boolean; got: string }> {
  try {
    const answer = await world.api('POST', '/projects/drain/runs', {});
    return { refused: answer.status === 503, got: `${answer.status} ${JSON.stringify(answer.json)}` };
  } catch (err) {
    return { refused: true, got: String(err) };
  }
}
