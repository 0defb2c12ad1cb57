import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Plan } from '../pipeline/index.js';
import { finished, harness, waitFor } from '../../test/helpers/service-harness.js';
import { compilePlan } from '../../test/helpers/compile-plan.js';

/*
 * Recovery: the server stops in the middle of a run without finishing anything (the service is
 * dropped — its queue answers nothing more, like a dead process — and the agent's step processes
 * are killed); a NEW service and agent on the SAME database file must finish the run without
 * running finished jobs again and without duplicating stored log lines.
 */

const compile = (yaml: string): Plan => compilePlan(yaml, { sha: 'e'.repeat(40) });

const pipeline = (marker: string, retry: string) => `version: 1
on: { push: {} }
env: { MARKER: "${marker}" }
jobs:
  first:
    checkout: false
    outputs: { v: "\${{ steps.s.outputs.v }}" }
    steps:
      - id: s
        run: |
          echo "first ran" >> "$MARKER"
          echo "first line"
          echo "v=42" >> "$GANTRY_OUTPUT"
  slow:
    needs: [first]
    checkout: false
    ${retry}
    steps:
      - run: |
          echo "slow attempt $GANTRY_ATTEMPT" >> "$MARKER"
          echo "slow line of attempt $GANTRY_ATTEMPT"
          if [ "$GANTRY_ATTEMPT" = 1 ]; then sleep 30; fi
  last:
    needs: [first, slow]
    checkout: false
    steps:
      - run: 'echo "last got $V" >> "$MARKER"'
        env: { V: "\${{ needs.first.outputs.v }}" }
`;

async function crashMidRun(retry: string) {
  return async (t: Parameters<typeof harness>[0]) => {
    const h = await harness(t);
    const marker = join(h.work, 'marker.txt');
    const run = await h.queue(compile(pipeline(marker, retry)));
    const first = await h.start();
    await waitFor('slow to run its step', async () => {
      const lines = await h.store.logs.read(run.id, 'slow');
      return lines.some((l) => l.line === 'slow line of attempt 1');
    });
    // crash: the service vanishes first (nothing more is recorded), then its processes die
    await first.service.close();
    await first.agent.stop({ drain: false });
    assert.equal((await h.store.runs.get(run.id))?.status, 'running');
    assert.equal((await h.store.runs.getJob(run.id, 'slow'))?.status, 'running');

    const reopened = await h.temp.reopen();
    await h.start(reopened);
    const done = await finished(reopened, run.id);
    const ran = readFileSync(marker, 'utf8').trim().split('\n');
    return { h, run: done, ran, store: reopened };
  };
}

test('after a crash mid-run a new server resumes: finished jobs are not re-run, the lost attempt is retried, logs are intact', async (t) => {
  const { run, ran, store } = await (await crashMidRun('retry: { max: 1, on: [infrastructure], backoff: 10ms }'))(t);
  assert.equal(run.status, 'success', run.reason ?? '');
  assert.deepEqual(ran, ['first ran', 'slow attempt 1', 'slow attempt 2', 'last got 42']);
  const jobs = await store.runs.listJobs(run.id);
  assert.deepEqual(jobs.map((j) => [j.jobId, j.status, j.attempt]), [['first', 'success', 1], ['slow', 'success', 2], ['last', 'success', 1]]);
  const firstLines = await store.logs.read(run.id, 'first');
  assert.deepEqual(firstLines.filter((l) => l.stream === 'stdout').map((l) => l.line), ['first line'], 'not duplicated');
  const slowLines = await store.logs.read(run.id, 'slow');
  assert.deepEqual(slowLines.map((l) => l.seq), slowLines.map((_, i) => i + 1), 'one sequence across both attempts');
  assert.deepEqual(slowLines.filter((l) => l.stream === 'stdout').map((l) => l.line), ['slow line of attempt 1', 'slow line of attempt 2']);
});

test('after a crash, a lost job whose retry policy says no ends `error` (agent lost) and what needs it is skipped', async (t) => {
  const { run, ran, store } = await (await crashMidRun(''))(t);
  assert.equal(run.status, 'error');
  assert.deepEqual(ran, ['first ran', 'slow attempt 1']);
  const slow = await store.runs.getJob(run.id, 'slow');
  assert.equal(slow?.status, 'error');
  assert.match(slow?.reason ?? '', /agent lost: the server stopped while the job was running/);
  const last = await store.runs.getJob(run.id, 'last');
  assert.equal(last?.status, 'skipped');
});

test('a run queued when the server stopped runs after the restart', async (t) => {
  const h = await harness(t);
  const run = await h.queue(compile(`version: 1
on: { push: {} }
jobs:
  only: { checkout: false, steps: [{ run: "true" }] }
`));
  await h.temp.store.close();
  const reopened = await h.temp.reopen();
  await h.start(reopened);
  assert.equal((await finished(reopened, run.id)).status, 'success');
});
