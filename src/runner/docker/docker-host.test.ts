import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GantryError } from '../../core/index.js';
import { dockerCertPathFromEnv, dockerConnection, isPlainTcp } from './docker-host.js';
import { registryOf } from './pull.js';

describe('DOCKER_HOST forms', () => {
  it('unix:// sockets, bare socket paths and tcp://HOST:PORT', () => {
    assert.deepEqual(dockerConnection('unix:///run/podman/podman.sock'), { socketPath: '/run/podman/podman.sock' });
    assert.deepEqual(dockerConnection('/var/run/docker.sock'), { socketPath: '/var/run/docker.sock' });
    assert.deepEqual(dockerConnection('tcp://127.0.0.1:2375'), { protocol: 'http', host: '127.0.0.1', port: 2375 });
    assert.deepEqual(dockerConnection('tcp://[::1]:2375'), { protocol: 'http', host: '::1', port: 2375 });
  });

  it('refuses what is not a socket address (http://, relative unix path, no port, a path after the port)', () => {
    for (const bad of ['http://127.0.0.1:2375', 'unix://relative.sock', 'tcp://127.0.0.1', 'tcp://host:2375/v1', 'npipe:////./pipe/docker_engine']) {
      assert.throws(() => dockerConnection(bad), (err: unknown) => err instanceof GantryError && err.code === 'CONFIG_INVALID', bad);
    }
  });
});

describe('TLS for tcp:// engines, as the Docker CLI does it', () => {
  const invalid = (pattern: RegExp) => (err: unknown) => err instanceof GantryError && err.code === 'CONFIG_INVALID' && pattern.test(err.message);

  it('a cert dir turns tcp into https with its ca.pem, cert.pem and key.pem', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-docker-certs-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    for (const name of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, name), `contents of ${name}`);
    const options = dockerConnection('tcp://engine.internal:2376', dir);
    assert.deepEqual({ ...options, ca: String(options.ca), cert: String(options.cert), key: String(options.key) }, {
      protocol: 'https', host: 'engine.internal', port: 2376, ca: 'contents of ca.pem', cert: 'contents of cert.pem', key: 'contents of key.pem',
    });
    rmSync(join(dir, 'key.pem'));
    assert.throws(() => dockerConnection('tcp://engine.internal:2376', dir), invalid(/cannot read .*key\.pem/));
  });

  it('certificates with a unix socket are a configuration error, not silently ignored', () => {
    assert.throws(() => dockerConnection('unix:///run/podman/podman.sock', '/certs'), invalid(/apply to tcp:\/\/ addresses/));
  });

  it('DOCKER_TLS_VERIFY asks for TLS, from DOCKER_CERT_PATH or ~/.docker; empty or 0 does not', () => {
    assert.equal(dockerCertPathFromEnv({}), undefined);
    assert.equal(dockerCertPathFromEnv({ DOCKER_TLS_VERIFY: '', DOCKER_CERT_PATH: '/c' }), undefined);
    assert.equal(dockerCertPathFromEnv({ DOCKER_TLS_VERIFY: '0', DOCKER_CERT_PATH: '/c' }), undefined);
    assert.equal(dockerCertPathFromEnv({ DOCKER_CERT_PATH: '/c' }), undefined, 'a cert path alone does not turn TLS on (as with docker)');
    assert.equal(dockerCertPathFromEnv({ DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/c' }), '/c');
    assert.equal(dockerCertPathFromEnv({ DOCKER_TLS_VERIFY: '1' }), join(homedir(), '.docker'));
  });

  it('plain tcp is recognised (the server warns about it); sockets and TLS are not plain', () => {
    assert.equal(isPlainTcp('tcp://10.0.0.5:2375', undefined), true);
    assert.equal(isPlainTcp('tcp://10.0.0.5:2376', '/certs'), false);
    assert.equal(isPlainTcp('unix:///run/podman/podman.sock', undefined), false);
  });
});

describe('registry of an image reference (for pull credentials)', () => {
  it('the host part when there is one, else Docker Hub', () => {
    assert.equal(registryOf('127.0.0.1:5000/app:1'), '127.0.0.1:5000');
    assert.equal(registryOf('registry.example.com/team/app'), 'registry.example.com');
    assert.equal(registryOf('localhost/app'), 'localhost');
    assert.equal(registryOf('library/node:22'), 'https://index.docker.io/v1/');
    assert.equal(registryOf('node:22'), 'https://index.docker.io/v1/');
  });
});
