import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTestOrigin } from '../../src/server/repos/test-origin.js';
import { runGantry, serverApi, startServerProcess } from '../helpers/server-process.js';
import { waitFor } from '../helpers/service-harness.js';
import { registered, startAgentProcess } from './agent-process.js';

/*
 * The agent port over TLS (a self-signed certificate made with openssl), and `gantry agent`'s
 * signals: the first SIGTERM drains (the running job finishes, no new one is taken), a second one
 * cancels the running job and reports it `canceled`.
 */

const ADMIN = 'gantry_agent-tls-drain-token-0123456789ab';

interface JobView {
  id: string;
  status: string;
}

test('TLS agent port; first SIGTERM drains, second cancels', { timeout: 180_000 }, async (t) => {
  const origin = createTestOrigin();
  const dir = mkdtempSync(join(tmpdir(), 'gantry-agent-tls-'));
  const children: ChildProcess[] = [];
  t.after(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    origin.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const marker = join(dir, 'go');
  origin.commit({
    '.gantry.yml': `version: 1
on: { api: {} }
jobs:
  first:
    runs_on: [tls]
    checkout: false
    steps: [{ run: 'echo first started; while [ ! -e "${marker}" ]; do sleep 0.1; done; echo first done' }]
  second:
    needs: [first]
    runs_on: [tls]
    checkout: false
    steps: [{ run: 'echo second started; exec sleep 60' }]
`,
  });
  const server = await startServerProcess(join(dir, 'data'), {
    args: ['--log-format', 'json', '--embedded-agent', 'false', '--agent-listen', '127.0.0.1:0', '--agent-tls-cert', cert, '--agent-tls-key', key, '--lease-ttl', '2s'],
    env: { GANTRY_ADMIN_TOKEN: ADMIN },
  });
  children.push(server.child);
  const address = /agent port \(gRPC\) listening on (\S+)/.exec(server.stderr())?.[1];
  assert.ok(address, server.stderr());
  const api = serverApi(server.url, ADMIN);
  const created = await runGantry(['agent', 'token', 'create', 'tls'], { GANTRY_SERVER: server.url, GANTRY_TOKEN: ADMIN });
  assert.equal(created.code, 0, created.stderr);
  const token = created.stdout.trim();

  // Without the CA the agent cannot verify the server: it never registers.
  const untrusting = startAgentProcess(`grpcs://${address}`, token, ['--name', 'untrusting', '--labels', 'tls', '--work-dir', join(dir, 'w0')]);
  children.push(untrusting.child);

  const agent = startAgentProcess(`grpcs://${address}`, token, ['--name', 'one', '--labels', 'tls', '--work-dir', join(dir, 'w1')], { GANTRY_AGENT_CA: cert });
  children.push(agent.child);
  await registered(agent);
  assert.doesNotMatch(untrusting.stderr(), /registered/);
  untrusting.child.kill('SIGKILL');

  assert.equal((await api('POST', '/projects', { name: 'p', repoUrl: origin.bare })).status, 201);
  assert.equal((await api('POST', '/projects/p/runs', {})).status, 201);
  const jobs = async () => ((await api('GET', '/projects/p/runs/1/jobs')).json as { jobs: JobView[] }).jobs;
  const status = async (id: string) => (await jobs()).find((j) => j.id === id)?.status;
  const log = async (job: string) => {
    const response = await fetch(`${server.url}/api/v1/projects/p/runs/1/jobs/${job}/logs/raw`, { headers: { authorization: `Bearer ${ADMIN}` } });
    return response.status === 200 ? response.text() : '';
  };
  // Its first line proves the agent holds the job (a lease granted at the very moment of the
  // SIGTERM is a known gap: docs/agents.md, "Not done yet").
  await waitFor('first to run on the agent', async () => (await log('first')).includes('first started'), 30_000);

  // First SIGTERM: drain. The running job finishes; `second` is not taken; the agent exits 0.
  agent.child.kill('SIGTERM');
  await waitFor('the agent to say it drains', async () => /draining/.test(agent.stderr()), 10_000);
  execFileSync('touch', [marker]);
  assert.equal(await agent.exited, 0, agent.stderr());
  assert.equal(await status('first'), 'success', JSON.stringify(await jobs()));
  assert.equal(await status('second'), 'queued', 'a draining agent takes no new job');

  // Second SIGTERM: the running job is canceled and reported `canceled`.
  const two = startAgentProcess(`grpcs://${address}`, token, ['--name', 'two', '--labels', 'tls', '--work-dir', join(dir, 'w2')], { GANTRY_AGENT_CA: cert });
  children.push(two.child);
  await waitFor('second to run on the agent', async () => (await log('second')).includes('second started'), 30_000);
  two.child.kill('SIGTERM');
  await waitFor('the agent to say it drains', async () => /draining/.test(two.stderr()), 10_000);
  two.child.kill('SIGTERM');
  assert.equal(await two.exited, 0, two.stderr());
  assert.equal(await status('second'), 'canceled');
});
