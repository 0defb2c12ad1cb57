import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { BASE_IMAGE, startPodman, type PodmanWorld } from './podman.js';

describe('test setup: podman API service and registry', () => {
  let world: PodmanWorld;
  before(async () => {
    world = await startPodman({ registry: true });
  });
  after(async () => world?.stop());

  it('runs the base image through the Docker Engine API and pushes to the registry', async () => {
    const docker = new Docker({ socketPath: world.socketPath });
    const images = await docker.listImages({ filters: { reference: [BASE_IMAGE] } });
    assert.equal(images.length, 1, 'the busybox base image is imported');
    const tag = `${world.registry}/setup-check:1`;
    await world.podman(['tag', BASE_IMAGE, tag]);
    await world.podman(['push', tag]);
    const res = await fetch(`http://${world.registry}/v2/setup-check/tags/list`);
    assert.deepEqual(await res.json(), { name: 'setup-check', tags: ['1'] });
    await world.podman(['rmi', tag]);
  });
});
