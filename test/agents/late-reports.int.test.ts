import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTestOrigin } from '../../src/server/repos/test-origin.js';
import { runGantry, serverApi, startServerProcess } from '../helpers/server-process.js';
import { waitFor } from '../helpers/service-harness.js';
import { registered, startAgentProcess } from './agent-process.js';

/*
 * SIGSTOP an agent until its lease lapses, let another agent run the job's next attempt, then
 * SIGCONT: the woken agent's late heartbeats and log lines are refused, nothing of it is stored,
 * and the job's final state is the new holder's.
 */

const ADMIN = 'gantry_agent-late-reports-0123456789abcd';

test('SIGSTOP until the lease lapses, SIGCONT: late reports are refused, the new holder decides', { timeout: 180_000 }, async (t) => {
  const origin = createTestOrigin();
  const dir = mkdtempSync(join(tmpdir(), 'gantry-agent-late-'));
  const children: ChildProcess[] = [];
  t.after(() => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT');
        child.kill('SIGKILL');
      }
    }
    origin.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });
  origin.commit({
    '.gantry.yml': `version: 1
on: { api: {} }
jobs:
  job:
    checkout: false
    runs_on: [s]
    retry: { max: 1, on: [infrastructure], backoff: 10ms }
    steps:
      - run: |
          if [ "$GANTRY_ATTEMPT" = 1 ]; then
            for i in $(seq 1 600); do echo "late $i"; sleep 0.1; done
            exit 1
          fi
          echo "attempt 2 done"
`,
  });
  const server = await startServerProcess(join(dir, 'data'), {
    args: ['--log-format', 'json', '--embedded-agent', 'false', '--agent-listen', '127.0.0.1:0', '--lease-ttl', '2s'],
    env: { GANTRY_ADMIN_TOKEN: ADMIN },
  });
  children.push(server.child);
  const address = /agent port \(gRPC\) listening on (\S+)/.exec(server.stderr())![1]!;
  const api = serverApi(server.url, ADMIN);
  const created = await runGantry(['agent', 'token', 'create', 'late'], { GANTRY_SERVER: server.url, GANTRY_TOKEN: ADMIN });
  assert.equal(created.code, 0, created.stderr);
  const token = created.stdout.trim();
  const sleeper = startAgentProcess(`grpc://${address}`, token, ['--name', 'sleeper', '--labels', 's', '--work-dir', join(dir, 'w1')]);
  children.push(sleeper.child);
  await registered(sleeper);

  assert.equal((await api('POST', '/projects', { name: 'p', repoUrl: origin.bare })).status, 201);
  assert.equal((await api('POST', '/projects/p/runs', {})).status, 201);
  const raw = async () => {
    const response = await fetch(`${server.url}/api/v1/projects/p/runs/1/jobs/job/logs/raw`, { headers: { authorization: `Bearer ${ADMIN}` } });
    return response.status === 200 ? response.text() : '';
  };
  await waitFor('attempt 1 to log', async () => (await raw()).includes('late 3'), 60_000);
  sleeper.child.kill('SIGSTOP');

  const other = startAgentProcess(`grpc://${address}`, token, ['--name', 'other', '--labels', 's', '--work-dir', join(dir, 'w2')]);
  children.push(other.child);
  const run = await waitFor('the run to end on the other agent', async () => {
    const got = (await api('GET', '/projects/p/runs/1')).json as { status: string };
    return ['queued', 'running'].includes(got.status) ? undefined : got;
  }, 60_000);
  assert.equal(run.status, 'success');
  const before = await raw();
  assert.match(before, /attempt 2 done/);

  sleeper.child.kill('SIGCONT');
  await waitFor('the woken agent to be told it lost the lease', async () => /LEASE_STALE|not held|lease lost/.test(sleeper.stderr()), 20_000);
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(await raw(), before, 'no late line was stored after the new holder finished');
  assert.equal(((await api('GET', '/projects/p/runs/1')).json as { status: string }).status, 'success');
  assert.match(server.stdout(), /agent call refused/);
});
