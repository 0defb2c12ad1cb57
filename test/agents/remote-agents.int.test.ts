import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROTOCOL_VERSION } from '../../src/agent-protocol/index.js';
import type { AgentCallError } from '../../src/agent/index.js';
import { AgentClient } from '../../src/agent/remote/agent-client.js';
import { createTestOrigin } from '../../src/server/repos/test-origin.js';
import { runGantry, serverApi, startServerProcess } from '../helpers/server-process.js';
import { waitFor } from '../helpers/service-harness.js';
import { registered, startAgentProcess, type AgentProcess } from './agent-process.js';

/*
 * One real `gantry server` (no embedded agent, agent port on 127.0.0.1, 2 s leases) and real
 * `gantry agent` processes: jobs run on remote agents by label, logs arrive once and in order,
 * a killed agent's job finishes on another, and tokens, leases and the protocol version are enforced.
 */

const ADMIN = 'gantry_remote-agents-test-token-0123456789';

interface RunView {
  status: string;
}

test('remote agents over gRPC: labels, logs, kill -9, tokens, fencing, protocol version', { timeout: 180_000 }, async (t) => {
  const origin = createTestOrigin();
  const dir = mkdtempSync(join(tmpdir(), 'gantry-agents-'));
  const children: ChildProcess[] = [];
  t.after(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    origin.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });
  origin.commit({
    'hello.txt': 'hello from the repository\n',
    '.gantry.yml': `version: 1
on: { api: {} }
jobs:
  on-a:
    runs_on: [a]
    checkout: false
    steps: [{ run: 'pwd; for i in $(seq 1 300); do echo "line $i"; done' }]
  on-b:
    runs_on: [b]
    steps: [{ run: 'pwd; cat hello.txt' }]
  slow:
    needs: [on-a, on-b]
    runs_on: [shared]
    checkout: false
    retry: { max: 1, on: [infrastructure], backoff: 10ms }
    steps:
      - run: |
          pwd
          echo "attempt $GANTRY_ATTEMPT"
          if [ "$GANTRY_ATTEMPT" = 1 ]; then exec sleep 60; fi
`,
  });
  const server = await startServerProcess(join(dir, 'data'), {
    args: ['--log-format', 'json', '--embedded-agent', 'false', '--agent-listen', '127.0.0.1:0', '--lease-ttl', '2s'],
    env: { GANTRY_ADMIN_TOKEN: ADMIN },
  });
  children.push(server.child);
  const agentPort = /agent port \(gRPC\) listening on (\S+)/.exec(server.stderr())?.[1];
  assert.ok(agentPort, server.stderr());
  const grpcUrl = `grpc://${agentPort}`;
  const api = serverApi(server.url, ADMIN);
  const cli = (...args: string[]) => runGantry(args, { GANTRY_SERVER: server.url, GANTRY_TOKEN: ADMIN });

  // Tokens through the CLI (admin): printed once, listed without the secret.
  const created = await cli('agent', 'token', 'create', 'fleet');
  assert.equal(created.code, 0, created.stderr);
  const token = created.stdout.trim();
  assert.match(token, /^gantry_/);
  const listed = await cli('agent', 'token', 'ls', '--json');
  assert.deepEqual((JSON.parse(listed.stdout) as { name: string }[]).map((x) => x.name), ['fleet']);
  assert.ok(!listed.stdout.includes(token), 'the token is never listed');

  const workA = join(dir, 'work-a');
  const workB = join(dir, 'work-b');
  const agents: AgentProcess[] = [
    startAgentProcess(grpcUrl, token, ['--name', 'a', '--labels', 'a,shared', '--work-dir', workA]),
    startAgentProcess(grpcUrl, token, ['--name', 'b', '--labels', 'b,shared', '--work-dir', workB]),
  ];
  for (const agent of agents) children.push(agent.child);
  await Promise.all(agents.map((a) => registered(a)));
  const ids = ((await api('GET', '/agents')).json as { agents: { id: string; kind: string }[] }).agents;
  assert.deepEqual(ids.map((a) => [a.id, a.kind]), [['fleet/a', 'remote'], ['fleet/b', 'remote']]);

  assert.equal((await api('POST', '/projects', { name: 'p', repoUrl: origin.bare })).status, 201);
  assert.equal((await api('POST', '/projects/p/runs', {})).status, 201);
  const raw = async (job: string) => {
    const response = await fetch(`${server.url}/api/v1/projects/p/runs/1/jobs/${job}/logs/raw`, { headers: { authorization: `Bearer ${ADMIN}` } });
    return response.status === 200 ? response.text() : '';
  };

  // Labels: on-a ran in agent a's work dir, on-b (with a checkout) in b's.
  const logA = await waitFor('on-a to log its last line', async () => ((await raw('on-a')).includes('line 300') ? raw('on-a') : undefined), 60_000);
  assert.ok(logA.includes(workA), `on-a ran on agent a:\n${logA.slice(0, 300)}`);
  const numbered = logA.split('\n').filter((l) => /line \d+$/.test(l)).map((l) => Number(/line (\d+)$/.exec(l)![1]));
  assert.deepEqual(numbered, Array.from({ length: 300 }, (_, i) => i + 1), 'every line stored once, in order');
  const logB = await waitFor('on-b to finish', async () => ((await raw('on-b')).includes('hello from the repository') ? raw('on-b') : undefined), 60_000);
  assert.ok(logB.includes(workB), `on-b ran on agent b:\n${logB}`);

  // kill -9 of the agent running `slow` → after the lease lapses (2 s) attempt 2 runs on the other.
  const firstLog = await waitFor('slow attempt 1 to start', async () => ((await raw('slow')).includes('attempt 1') ? raw('slow') : undefined), 60_000);
  const [victim, survivor] = firstLog.includes(workA) ? [agents[0]!, agents[1]!] : [agents[1]!, agents[0]!];
  const killedAt = Date.now();
  victim.child.kill('SIGKILL');
  const run = await waitFor('the run to finish on the other agent', async () => {
    const got = (await api('GET', '/projects/p/runs/1')).json as RunView;
    return ['queued', 'running'].includes(got.status) ? undefined : got;
  }, 60_000);
  assert.equal(run.status, 'success');
  assert.ok(Date.now() - killedAt < 15_000, `finished ${Date.now() - killedAt} ms after the kill (lease 2 s + a sweep)`);
  const slowLog = await raw('slow');
  assert.match(slowLog, /attempt 2/);
  assert.ok(slowLog.includes(survivor === agents[0] ? workA : workB), 'attempt 2 ran on the surviving agent');

  // Wrong token: the agent process is refused at registration and exits 2 with a clear message.
  const wrong = startAgentProcess(grpcUrl, 'gantry_not-a-real-token', ['--name', 'x']);
  children.push(wrong.child);
  assert.equal(await wrong.exited, 2);
  assert.match(wrong.stderr(), /unknown or revoked/);

  // A valid agent reporting on a job it does not hold (another agent's lease id) → refused, logged.
  const intruder = new AgentClient({ server: grpcUrl, token });
  t.after(() => intruder.close());
  const reg = await intruder.call<object, { agentId: string }>('register', { protocolVersion: PROTOCOL_VERSION, name: 'intruder', labels: [], capacity: 1, backends: [], version: 'test' });
  const notHeld = { agentId: reg.agentId, leaseId: '1/slow', epoch: 2 };
  await assert.rejects(intruder.call('heartbeat', notHeld), (err: AgentCallError) => err.code === 'LEASE_STALE');
  await assert.rejects(intruder.call('appendLogs', { lease: notHeld, lines: [{ seq: 99, stream: 'stdout', line: 'forged', ts: 1 }] }), (err: AgentCallError) => err.code === 'LEASE_STALE');
  await assert.rejects(intruder.call('heartbeat', { ...notHeld, agentId: 'other-token/a' }), (err: AgentCallError) => err.code === 'AUTH_FORBIDDEN', 'an agent id of another token');
  assert.ok(!(await raw('slow')).includes('forged'));
  assert.match(server.stdout(), /agent call refused/);

  // Protocol version mismatch: a clear error at register.
  await assert.rejects(
    intruder.call('register', { protocolVersion: PROTOCOL_VERSION + 1, name: 'future', labels: [], capacity: 1, backends: [], version: '9.9.9' }),
    (err: AgentCallError) => err.code === 'AGENT_PROTOCOL_MISMATCH' && /protocol v2 .*the server v1.*same Gantry version/.test(err.message),
  );

  // Revoked token: refused at the very next call.
  const id = (JSON.parse((await cli('agent', 'token', 'ls', '--json')).stdout) as { id: number }[])[0]!.id;
  assert.equal((await cli('agent', 'token', 'revoke', String(id))).code, 0);
  await assert.rejects(intruder.call('heartbeat', notHeld), (err: AgentCallError) => err.code === 'AUTH_INVALID_TOKEN');

  // The surviving agent (same token, waiting for a job) is refused within about a second and stops
  // by itself (exit 2) instead of asking again forever.
  const revokedAt = Date.now();
  assert.equal(await survivor.exited, 2, survivor.stderr());
  assert.ok(Date.now() - revokedAt < 10_000, `stopped ${Date.now() - revokedAt} ms after the revocation`);
  assert.match(survivor.stderr(), /refused it \(the agent token was revoked\)/);
});
