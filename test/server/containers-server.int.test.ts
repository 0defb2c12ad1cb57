// Containers as a user meets them on the server: a real `gantry server` process whose embedded agent
// runs jobs on Podman's Docker API (GANTRY_DOCKER_HOST), a job in an image with a service sidecar
// reached by name, its artifact handed to a second container job, and nothing left behind.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RunDetailView } from '../../src/api-client/index.js';
import { createTestOrigin, type TestOrigin } from '../../src/server/repos/test-origin.js';
import { BASE_IMAGE, labelled, startPodman, type PodmanWorld } from '../helpers/podman.js';
import { serverApi, startServerProcess, type ApiAnswer } from '../helpers/server-process.js';

const PIPELINE = `version: 1
on: { api: {} }
jobs:
  test:
    image: { name: "${BASE_IMAGE}", pull: never, memory: 128m }
    services:
      web:
        image: "${BASE_IMAGE}"
        pull: never
        command: "mkdir -p /www && echo hello-from-web > /www/index.html && httpd -f -p 8080 -h /www"
        ports: [8080]
    steps:
      - run: echo "path=$PATH"
      - run: wget -qO- http://web:8080/
      - run: mkdir -p out && echo made-in-container > out/result.txt
    artifacts: { name: result, paths: [out/] }
  check:
    needs: [test]
    image: "${BASE_IMAGE}"
    steps:
      - run: cat out/result.txt
`;

const dataDir = mkdtempSync(join(tmpdir(), 'gantry-containers-server-'));
let world: PodmanWorld;
let server: ChildProcess;
let origin: TestOrigin;
let api: (method: string, path: string, body?: unknown) => Promise<ApiAnswer>;

before(async () => {
  world = await startPodman();
  origin = createTestOrigin();
  origin.commit({ '.gantry.yml': PIPELINE }, { message: 'containers' });
  const running = await startServerProcess(dataDir, { env: { GANTRY_DOCKER_HOST: world.dockerHost } });
  server = running.child;
  api = serverApi(running.url, running.token);
  assert.equal((await api('POST', '/projects', { name: 'shop', repoUrl: origin.bare, forge: 'generic' })).status, 201);
});

after(async () => {
  if (server?.exitCode === null) server.kill('SIGKILL');
  origin?.cleanup();
  await world?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const logOf = async (run: number, job: string): Promise<string> =>
  ((await api('GET', `/projects/shop/runs/${run}/jobs/${job}/logs`)).json as { lines: { line: string }[] }).lines.map((l) => l.line).join('\n');

test('a container job with a service runs on the server, hands its artifact to the next container job, and leaves nothing', async () => {
  const started = await api('POST', '/projects/shop/runs', { event: 'api' });
  assert.equal(started.status, 201, JSON.stringify(started.json));
  const { number } = started.json as RunDetailView;
  let run: RunDetailView;
  const deadline = Date.now() + 90_000;
  for (;;) {
    run = (await api('GET', `/projects/shop/runs/${number}`)).json as RunDetailView;
    if (['success', 'failure', 'error', 'canceled', 'skipped'].includes(run.status)) break;
    assert.ok(Date.now() < deadline, `run #${number} still ${run.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const test = await logOf(number, 'test');
  assert.equal(run.status, 'success', `${JSON.stringify(run.jobs.map((j) => [j.id, j.status, j.reason]))}\n${test}`);
  assert.match(test, /path=\/bin$/m, "the step ran with the image's PATH, not the server's");
  assert.match(test, /hello-from-web/, 'the service answered by its name');
  assert.match(await logOf(number, 'check'), /made-in-container/, 'the artifact reached the next job');
  const left = await labelled(world, `gantry.agent=embedded@${hostname()}`);
  assert.deepEqual(left, { containers: [], networks: [], volumes: [] });
});
