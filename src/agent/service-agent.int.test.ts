import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { systemClock } from '../core/index.js';
import { createRunService } from '../engine/index.js';
import type { Plan } from '../pipeline/index.js';
import { createRepoMirrors } from '../server/repos/index.js';
import { createTestOrigin } from '../server/repos/test-origin.js';
import { createRunFromEvent } from '../server/runs/index.js';
import { openTempSqliteStore } from '../store/sqlite/index.js';
import { createEmbeddedAgent } from './index.js';
import { finished, harness } from '../../test/helpers/service-harness.js';
import { compilePlan } from '../../test/helpers/compile-plan.js';

/*
 * The vertical slice with real parts: a run stored `queued` (by the intake, from a real git push)
 * executes in the run service, its jobs leased by the embedded agent and run as real processes, and
 * every status, step, exit code and log line lands in a real SQLite store.
 */

const compile = (yaml: string, sha = 'c'.repeat(40)): Plan => compilePlan(yaml, { sha });

test('a pushed commit becomes a queued run that runs to success: checkout, needs outputs, steps, exit codes, logs in order', async (t) => {
  const origin = createTestOrigin();
  t.after(() => origin.cleanup());
  const sha = origin.commit({
    'hello.txt': 'hello from the repo\n',
    '.gantry.yml': `version: 1
on: { push: {} }
jobs:
  build:
    outputs: { greeting: "\${{ steps.read.outputs.greeting }}" }
    steps:
      - id: read
        run: |
          echo "greeting=$(cat hello.txt)" >> "$GANTRY_OUTPUT"
          for i in 1 2 3 4 5; do echo "line $i"; done
          echo "to stderr" >&2
  test:
    needs: [build]
    checkout: false
    steps:
      - run: 'echo "got: $GREETING"'
        env: { GREETING: "\${{ needs.build.outputs.greeting }}" }
      - run: "exit 0"
`,
  });
  const temp = await openTempSqliteStore();
  t.after(() => temp.cleanup());
  const { store } = temp;
  const repos = createRepoMirrors({ dataDir: origin.scratch, clock: systemClock });
  const project = await store.projects.create({ name: 'demo', repoUrl: origin.bare, forge: 'generic' });
  const created = await createRunFromEvent({ store, repos, clock: systemClock })(project, { name: 'push', branch: 'main', sha }, { kind: 'push' });
  assert.ok(created.created);
  assert.equal(created.run.status, 'queued', created.run.reason ?? '');

  const service = createRunService({ store, leaseTtlMs: 10_000, pollIntervalMs: 50 });
  const agent = createEmbeddedAgent({
    port: service.agentPort,
    capacity: 2,
    workRoot: join(origin.scratch, 'work'),
    checkout: (spec, dir, signal) => repos.checkout({ id: spec.projectId, repoUrl: spec.repoUrl }, spec.sha, dir, { signal }),
  });
  t.after(async () => {
    await agent.stop({ drain: false });
    await service.close();
  });
  await service.start();
  agent.start();

  const run = await finished(store, created.run.id);
  assert.equal(run.status, 'success', run.reason ?? '');
  assert.ok(run.startedAt !== null && run.finishedAt !== null);
  const jobs = await store.runs.listJobs(run.id);
  assert.deepEqual(jobs.map((j) => [j.jobId, j.status, j.attempt]), [['build', 'success', 1], ['test', 'success', 1]]);
  assert.deepEqual(jobs[0]!.outputs, { greeting: 'hello from the repo' });
  for (const job of jobs) assert.ok(job.startedAt !== null && job.finishedAt !== null && job.finishedAt >= job.startedAt);
  const steps = await store.runs.listSteps(run.id, 'test');
  assert.deepEqual(steps.map((s) => [s.step, s.status, s.exitCode]), [[0, 'success', 0], [1, 'success', 0]]);

  const buildLines = await store.logs.read(run.id, 'build');
  assert.deepEqual(buildLines.map((l) => l.seq), buildLines.map((_, i) => i + 1), 'seq 1..n, no gap, no duplicate');
  const text = buildLines.map((l) => `${l.stream}:${l.line}`);
  assert.equal(text[0], `system:checkout ${sha}`);
  assert.deepEqual(text.filter((l) => l.startsWith('stdout:')), ['stdout:line 1', 'stdout:line 2', 'stdout:line 3', 'stdout:line 4', 'stdout:line 5']);
  assert.ok(text.includes('stderr:to stderr'));
  const testLines = await store.logs.read(run.id, 'test');
  assert.ok(testLines.some((l) => l.line === 'got: hello from the repo' && l.step === 0), JSON.stringify(testLines));
});

test('a failing step fails the run with its exit code; the job that needs it is skipped with the reason', async (t) => {
  const h = await harness(t);
  const run = await h.queue(
    compile(`version: 1
on: { push: {} }
jobs:
  unit:
    checkout: false
    steps:
      - run: echo before; exit 3
      - run: echo never
  deploy:
    needs: [unit]
    checkout: false
    steps: [{ run: echo no }]
`),
  );
  await h.start();
  const done = await finished(h.store, run.id);
  assert.equal(done.status, 'failure');
  assert.match(done.reason ?? '', /'unit' failed/);
  const jobs = await h.store.runs.listJobs(run.id);
  const unit = jobs.find((j) => j.jobId === 'unit')!;
  const deploy = jobs.find((j) => j.jobId === 'deploy')!;
  assert.equal(unit.status, 'failure');
  assert.match(unit.reason ?? '', /exit|step/);
  assert.equal(deploy.status, 'skipped');
  assert.match(deploy.reason ?? '', /unit/);
  assert.equal(deploy.attempt, 0);
  const steps = await h.store.runs.listSteps(run.id, 'unit');
  assert.deepEqual(steps.map((s) => [s.status, s.exitCode]), [['failure', 3], ['skipped', null]]);
  assert.deepEqual((await h.store.logs.read(run.id, 'unit')).filter((l) => l.stream === 'stdout').map((l) => l.line), ['before']);
});
