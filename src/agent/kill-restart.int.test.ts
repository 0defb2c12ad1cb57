import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTestOrigin } from '../server/repos/test-origin.js';
import { createSqliteStore } from '../store/sqlite/index.js';
import { serverApi, startServerProcess } from '../../test/helpers/server-process.js';
import { waitFor } from '../../test/helpers/service-harness.js';

/*
 * kill -9 of a real `gantry server` process in the middle of a run, then a restart on the same data
 * dir: the run completes, the finished job is not run again, the lost attempt is retried, and the
 * stored log lines are intact with no duplicate.
 */

const TOKEN = 'gantry_kill-test-token-0123456789abcdef';

const startServer = (dataDir: string) =>
  startServerProcess(dataDir, { args: ['--log-format', 'json'], env: { GANTRY_ADMIN_TOKEN: TOKEN, GANTRY_LEASE_TTL: '2s' } });

const api = (url: string, method: string, path: string, body?: unknown) => serverApi(url, TOKEN)(method, path, body);

test('kill -9 mid-run, restart: the run completes, finished jobs are not re-run, logs are not duplicated', { timeout: 120_000 }, async (t) => {
  const origin = createTestOrigin();
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-kill-'));
  const marker = join(dataDir, 'marker.txt');
  const children: ChildProcess[] = [];
  t.after(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    origin.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });
  origin.commit({
    '.gantry.yml': `version: 1
on: { api: {} }
env: { MARKER: "${marker}" }
jobs:
  first:
    checkout: false
    steps: [{ run: 'echo first >> "$MARKER"; echo first line' }]
  slow:
    needs: [first]
    checkout: false
    retry: { max: 1, on: [infrastructure], backoff: 10ms }
    steps:
      - run: |
          echo "slow $GANTRY_ATTEMPT" >> "$MARKER"
          echo "slow line $GANTRY_ATTEMPT"
          if [ "$GANTRY_ATTEMPT" = 1 ]; then exec sleep 10; fi
`,
  });
  const one = await startServer(dataDir);
  children.push(one.child);
  assert.equal((await api(one.url, 'POST', '/projects', { name: 'k', repoUrl: origin.bare })).status, 201);
  assert.equal((await api(one.url, 'POST', '/projects/k/runs', {})).status, 201);
  await waitFor('attempt 1 of slow to run', async () => {
    try {
      return readFileSync(marker, 'utf8').includes('slow 1');
    } catch {
      return false;
    }
  }, 30_000);
  await waitFor('its line to be stored', async () => {
    const logs = await api(one.url, 'GET', '/projects/k/runs/1/jobs/slow/logs');
    return JSON.stringify(logs.json).includes('slow line 1');
  });
  one.child.kill('SIGKILL');
  await new Promise((resolve) => one.child.once('exit', resolve));

  const two = await startServer(dataDir);
  children.push(two.child);
  const run = await waitFor('the run to finish after the restart', async () => {
    const got = await api(two.url, 'GET', '/projects/k/runs/1');
    const status = (got.json as { status?: string }).status;
    return status && !['queued', 'running'].includes(status) ? (got.json as { status: string }) : undefined;
  }, 60_000);
  two.child.kill('SIGTERM');
  await new Promise((resolve) => two.child.once('exit', resolve));

  assert.equal(run.status, 'success', JSON.stringify(run));
  assert.deepEqual(readFileSync(marker, 'utf8').trim().split('\n'), ['first', 'slow 1', 'slow 2']);
  const store = await createSqliteStore({ file: join(dataDir, 'gantry.db') });
  try {
    const jobs = await store.runs.listJobs(1);
    assert.deepEqual(jobs.map((j) => [j.jobId, j.status, j.attempt]), [['first', 'success', 1], ['slow', 'success', 2]]);
    const first = await store.logs.read(1, 'first');
    assert.deepEqual(first.filter((l) => l.stream === 'stdout').map((l) => l.line), ['first line']);
    const slow = await store.logs.read(1, 'slow');
    assert.deepEqual(slow.map((l) => l.seq), slow.map((_, i) => i + 1));
    assert.deepEqual(slow.filter((l) => l.stream === 'stdout').map((l) => l.line), ['slow line 1', 'slow line 2']);
  } finally {
    await store.close();
  }
});
