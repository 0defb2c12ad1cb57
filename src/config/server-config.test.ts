import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GantryError } from '../core/index.js';
import { loadConfig } from './load-config.js';
import { resolveDockerHost, serverSettings } from './server-config.js';

const context = { cwd: '/tmp', isTty: false };

describe('server settings: container engine', () => {
  it('dockerHost takes unix:// and tcp:// addresses; unset falls back to DOCKER_HOST', () => {
    const unix = loadConfig(serverSettings, { env: { GANTRY_DOCKER_HOST: 'unix:///run/podman/podman.sock' }, context });
    assert.equal(unix.dockerHost, 'unix:///run/podman/podman.sock');
    assert.equal(resolveDockerHost(unix, { DOCKER_HOST: 'tcp://other:2375' }), 'unix:///run/podman/podman.sock', 'the setting wins');
    const tcp = loadConfig(serverSettings, { file: { path: 'gantry.yml', values: { dockerHost: 'tcp://127.0.0.1:2375' } }, context });
    assert.equal(tcp.dockerHost, 'tcp://127.0.0.1:2375');
    const unset = loadConfig(serverSettings, { env: {}, context });
    assert.equal(unset.dockerHost, undefined);
    assert.equal(resolveDockerHost(unset, { DOCKER_HOST: 'unix:///var/run/docker.sock' }), 'unix:///var/run/docker.sock');
    assert.equal(resolveDockerHost(unset, { DOCKER_HOST: '' }), undefined);
  });

  it('a dockerHost that is not a socket address (http://, no port, a bare word) is refused, naming the setting', () => {
    for (const bad of ['http://127.0.0.1:2375', 'tcp://127.0.0.1', 'docker']) {
      assert.throws(
        () => loadConfig(serverSettings, { env: { GANTRY_DOCKER_HOST: bad }, context }),
        (err: unknown) => err instanceof GantryError && err.code === 'CONFIG_INVALID' && err.message.includes('GANTRY_DOCKER_HOST') && /unix:\/\/\/path/.test(err.message),
        bad,
      );
    }
  });

  it('privilegedImages: none by default, a list from the file, comma-separated from the environment', () => {
    assert.deepEqual(loadConfig(serverSettings, { env: {}, context }).privilegedImages, []);
    const fromEnv = loadConfig(serverSettings, { env: { GANTRY_PRIVILEGED_IMAGES: 'docker:*-dind, registry.local/builder:**' }, context });
    assert.deepEqual(fromEnv.privilegedImages, ['docker:*-dind', 'registry.local/builder:**']);
    const fromFile = loadConfig(serverSettings, { file: { path: 'gantry.yml', values: { privilegedImages: ['docker:27-dind'] } }, context });
    assert.deepEqual(fromFile.privilegedImages, ['docker:27-dind']);
  });

  it('privilegedImages with a space inside an entry is refused', () => {
    assert.throws(() => loadConfig(serverSettings, { env: { GANTRY_PRIVILEGED_IMAGES: 'docker dind' }, context }), /GANTRY_PRIVILEGED_IMAGES.*image references or globs/);
  });
});
