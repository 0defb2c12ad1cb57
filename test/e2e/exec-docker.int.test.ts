import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { BASE_IMAGE, labelled, startPodman, type PodmanWorld } from '../helpers/podman.js';
import { makeRepo, runGantry } from './helpers.js';

const PIPELINE = `version: 1
jobs:
  host:
    steps:
      - run: echo on the host
  in-a-box:
    image: "${BASE_IMAGE}"
    steps:
      - run: |
          pwd; cat greeting.txt
          echo "path=$PATH"
`;

describe('gantry exec with a container engine (real Podman)', () => {
  let world: PodmanWorld;
  let repo: string;
  before(async () => {
    world = await startPodman();
    repo = makeRepo({ '.gantry.yml': PIPELINE, 'greeting.txt': 'hello from the repo\n' });
  });
  after(async () => {
    await world?.stop();
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

  it('with DOCKER_HOST, a job with image: runs in the container on the developer\'s checkout', async () => {
    const r = await runGantry(['exec', '--json'], { cwd: repo, env: { DOCKER_HOST: world.dockerHost }, timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const lines = r.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { type: string; job?: string; line?: string });
    const boxed = lines.filter((e) => e.type === 'log' && e.job === 'in-a-box').map((e) => e.line);
    assert.deepEqual(boxed.slice(0, 3), ['/workspace', 'hello from the repo', 'path=/bin'], JSON.stringify(boxed));
    assert.ok(lines.some((e) => e.type === 'log' && e.job === 'host' && e.line === 'on the host'));
    const left = await labelled(world, 'gantry.job=in-a-box');
    assert.deepEqual(left.containers, [], 'the job container is removed');
  });

  it('without a container engine, the image: job ends in error saying how to configure one (the host job still runs)', async () => {
    const r = await runGantry(['exec', '--json'], { cwd: repo, env: { DOCKER_HOST: '' }, timeoutMs: 30_000 });
    assert.notEqual(r.code, 0);
    assert.match(r.stdout, /no container engine is configured.*DOCKER_HOST/);
    assert.match(r.stdout, /on the host/);
  });
});
