import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTestOrigin } from '../../src/server/repos/test-origin.js';
import { runGantry, serverApi, startServerProcess } from '../helpers/server-process.js';
import { waitFor } from '../helpers/service-harness.js';
import { registered, startAgentProcess } from './agent-process.js';

/*
 * kill -9 of the server while a remote agent runs a job, then a restart on the same data dir and
 * agent port: the agent reconnects by itself (re-registers), its old lease is refused, the lost
 * attempt runs again on it, and the job's log holds every line once, in seq order.
 */

const ADMIN = 'gantry_agent-server-restart-0123456789abc';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

test('kill -9 of the server mid-job: the agent reconnects and the run completes, logs once and in order', { timeout: 180_000 }, async (t) => {
  const origin = createTestOrigin();
  const dir = mkdtempSync(join(tmpdir(), 'gantry-agent-restart-'));
  const children: ChildProcess[] = [];
  t.after(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    origin.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });
  const marker = join(dir, 'attempts.txt');
  origin.commit({
    '.gantry.yml': `version: 1
on: { api: {} }
jobs:
  long:
    checkout: false
    runs_on: [remote]
    retry: { max: 1, on: [infrastructure], backoff: 10ms }
    steps:
      - run: |
          echo "attempt $GANTRY_ATTEMPT" >> "${marker}"
          for i in 1 2 3 4 5; do echo "a$GANTRY_ATTEMPT line $i"; done
          if [ "$GANTRY_ATTEMPT" = 1 ]; then exec sleep 60; fi
`,
  });
  const agentAddress = `127.0.0.1:${await freePort()}`;
  const dataDir = join(dir, 'data');
  const start = () => startServerProcess(dataDir, {
    args: ['--log-format', 'json', '--embedded-agent', 'false', '--agent-listen', agentAddress, '--lease-ttl', '2s'],
    env: { GANTRY_ADMIN_TOKEN: ADMIN },
  });
  const one = await start();
  children.push(one.child);
  const created = await runGantry(['agent', 'token', 'create', 'r'], { GANTRY_SERVER: one.url, GANTRY_TOKEN: ADMIN });
  assert.equal(created.code, 0, created.stderr);
  const agent = startAgentProcess(`grpc://${agentAddress}`, created.stdout.trim(), ['--name', 'r1', '--labels', 'remote', '--work-dir', join(dir, 'work')]);
  children.push(agent.child);
  await registered(agent);
  assert.equal((await serverApi(one.url, ADMIN)('POST', '/projects', { name: 'p', repoUrl: origin.bare })).status, 201);
  assert.equal((await serverApi(one.url, ADMIN)('POST', '/projects/p/runs', {})).status, 201);
  const raw = async (url: string) => {
    const response = await fetch(`${url}/api/v1/projects/p/runs/1/jobs/long/logs/raw`, { headers: { authorization: `Bearer ${ADMIN}` } });
    return response.status === 200 ? response.text() : '';
  };
  await waitFor('attempt 1 to log its lines', async () => (await raw(one.url)).includes('a1 line 5'), 60_000);
  one.child.kill('SIGKILL');
  await new Promise((resolve) => one.child.once('exit', resolve));

  const two = await start();
  children.push(two.child);
  const run = await waitFor('the run to finish after the restart', async () => {
    const got = (await serverApi(two.url, ADMIN)('GET', '/projects/p/runs/1')).json as { status?: string };
    return got.status && !['queued', 'running'].includes(got.status) ? got : undefined;
  }, 90_000);
  assert.equal(run.status, 'success', agent.stderr());
  assert.match(agent.stderr(), /registering again|reconnected/);
  assert.equal(readFileSync(marker, 'utf8'), 'attempt 1\nattempt 2\n');
  const page = (await serverApi(two.url, ADMIN)('GET', '/projects/p/runs/1/jobs/long/logs?limit=1000')).json as { lines: { seq: number; line: string }[] };
  const seqs = page.lines.map((l) => l.seq);
  assert.deepEqual(seqs, [...new Set(seqs)].sort((a, b) => a - b), 'seqs unique and ascending');
  for (const attempt of [1, 2]) {
    const lines = page.lines.filter((l) => l.line.startsWith(`a${attempt} line`)).map((l) => l.line);
    assert.deepEqual(lines, [1, 2, 3, 4, 5].map((i) => `a${attempt} line ${i}`), `attempt ${attempt}: every line once, in order`);
  }
});
