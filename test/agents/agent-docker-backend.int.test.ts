import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestOrigin } from '../../src/server/repos/test-origin.js';
import { BASE_IMAGE, labelled, startPodman, type PodmanWorld } from '../helpers/podman.js';
import { runGantry, serverApi, startServerProcess } from '../helpers/server-process.js';
import { waitFor } from '../helpers/service-harness.js';
import { registered, startAgentProcess } from './agent-process.js';

/*
 * `gantry agent` with the docker backend (GANTRY_AGENT_BACKEND / GANTRY_AGENT_DOCKER_HOST) on a
 * real Podman socket: a job with `image:` runs in a container on the remote agent; without a socket,
 * or with one nobody answers on, the agent refuses to start with a clear message.
 */

const ADMIN = 'gantry_agent-docker-backend-0123456789';

describe('remote agent, docker backend', () => {
  let world: PodmanWorld;
  const children: ChildProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'gantry-agent-docker-'));
  before(async () => {
    world = await startPodman();
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await world?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('bad input: --backend docker without a socket, with a socket nobody answers on, or an unknown backend → exits with a clear error before registering', async () => {
    const noSocket = startAgentProcess('grpc://127.0.0.1:9', 'gantry_unused', ['--work-dir', join(dir, 'w0')], { GANTRY_AGENT_BACKEND: 'docker', DOCKER_HOST: '' });
    assert.notEqual(await noSocket.exited, 0);
    assert.match(noSocket.stderr(), /the docker backend needs a Docker or Podman socket/);
    const deadSocket = startAgentProcess('grpc://127.0.0.1:9', 'gantry_unused', ['--work-dir', join(dir, 'w1')], {
      GANTRY_AGENT_BACKEND: 'docker', GANTRY_AGENT_DOCKER_HOST: `unix://${join(dir, 'nobody.sock')}`,
    });
    assert.notEqual(await deadSocket.exited, 0);
    assert.match(deadSocket.stderr(), /cannot reach the container engine at unix:\/\/.*nobody\.sock/);
    const unknown = startAgentProcess('grpc://127.0.0.1:9', 'gantry_unused', [], { GANTRY_AGENT_BACKEND: 'kubernetes' });
    assert.notEqual(await unknown.exited, 0);
    assert.match(unknown.stderr(), /expected local or docker/);
  });

  it('a job with image: runs in a container of the engine at GANTRY_AGENT_DOCKER_HOST, on the remote agent', { timeout: 180_000 }, async () => {
    const origin = createTestOrigin();
    try {
      origin.commit({
        '.gantry.yml': `version: 1
on: { api: {} }
jobs:
  boxed:
    runs_on: [boxes]
    checkout: false
    image: ${BASE_IMAGE}
    steps: [{ run: 'echo "cwd $(pwd)"' }]
`,
      });
      const server = await startServerProcess(join(dir, 'data'), {
        args: ['--log-format', 'json', '--embedded-agent', 'false', '--agent-listen', '127.0.0.1:0', '--lease-ttl', '5s'],
        env: { GANTRY_ADMIN_TOKEN: ADMIN },
      });
      children.push(server.child);
      const address = /agent port \(gRPC\) listening on (\S+)/.exec(server.stderr())![1]!;
      const created = await runGantry(['agent', 'token', 'create', 'box'], { GANTRY_SERVER: server.url, GANTRY_TOKEN: ADMIN });
      assert.equal(created.code, 0, created.stderr);
      const agent = startAgentProcess(`grpc://${address}`, created.stdout.trim(), ['--name', 'd1', '--labels', 'boxes', '--work-dir', join(dir, 'work')], {
        GANTRY_AGENT_BACKEND: 'docker', GANTRY_AGENT_DOCKER_HOST: world.dockerHost,
      });
      children.push(agent.child);
      await registered(agent);
      assert.match(agent.stderr(), /backend docker at /);
      const api = serverApi(server.url, ADMIN);
      assert.equal((await api('POST', '/projects', { name: 'p', repoUrl: origin.bare })).status, 201);
      assert.equal((await api('POST', '/projects/p/runs', {})).status, 201);
      const run = await waitFor('the run to finish', async () => {
        const got = (await api('GET', '/projects/p/runs/1')).json as { status?: string };
        return got.status && !['queued', 'running'].includes(got.status) ? got : undefined;
      }, 120_000);
      const log = await (await fetch(`${server.url}/api/v1/projects/p/runs/1/jobs/boxed/logs/raw`, { headers: { authorization: `Bearer ${ADMIN}` } })).text();
      assert.equal(run.status, 'success', `${JSON.stringify(run)}\n${log}\n${agent.stderr()}`);
      assert.match(log, /cwd \/workspace/);
      agent.child.kill('SIGTERM');
      await agent.exited;
      const left = await labelled(world, 'gantry.managed');
      assert.deepEqual(left.containers, [], 'the job container is removed');
    } finally {
      origin.cleanup();
    }
  });
});
