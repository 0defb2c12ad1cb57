import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { GantryError } from '../../core/index.js';
import { BASE_IMAGE, labelled, startPodman, type PodmanWorld } from '../../../test/helpers/podman.js';
import { canConnect } from './service-readiness.js';
import { startServices, type ServiceSpec } from './services.js';

describe('startServices against real Podman', () => {
  let world: PodmanWorld;
  let docker: Docker;
  before(async () => {
    world = await startPodman();
    docker = new Docker({ socketPath: world.socketPath });
  });
  after(async () => world?.stop());

  /** Images are local (no registry is reachable): "pulling" only checks the image is there. */
  const localPull = async (image: string) => {
    await docker.getImage(image).inspect();
  };

  function setup(overrides: { signal?: AbortSignal; onLine?: (line: string) => void } = {}) {
    const id = randomBytes(4).toString('hex');
    const label = `gantry.test.services=${id}`;
    const lines: string[] = [];
    const options = (services: ServiceSpec[]) => ({
      network: `gantry-svc-${id}`,
      labels: { 'gantry.test.services': id },
      services,
      signal: overrides.signal ?? new AbortController().signal,
      onLine: (line: string) => {
        lines.push(line);
        overrides.onLine?.(line);
      },
      pullImage: localPull,
    });
    return { id, label, lines, options, leftovers: () => labelled(world, label) };
  }

  const nothing = { containers: [], networks: [], volumes: [] };

  function service(name: string, script: string, extra: Partial<ServiceSpec> = {}): ServiceSpec {
    return { name, image: BASE_IMAGE, env: {}, ports: [], command: ['sh', '-c', script], pull: 'never', ...extra };
  }

  /** Runs a throwaway container on `network` and returns what it printed. */
  async function onNetwork(network: string, script: string): Promise<string> {
    return world.podman(['run', '--rm', '--network', network, BASE_IMAGE, 'sh', '-c', script]);
  }

  // One cycle covers several promises: every Podman round trip costs on a loaded machine.
  it('a service is reachable by name once its delayed port opens, with env as environment and least privilege; stop() twice is fine', async () => {
    const t = setup();
    const begun = Date.now();
    const web = service('web', 'sleep 1; mkdir -p /www && echo "$GREETING" > /www/index.html && exec httpd -f -p 8080 -h /www', { env: { GREETING: 'hello-from-web' }, ports: [8080] });
    const started = await startServices(docker, t.options([web, service('idle', 'exec sleep 1000')]));
    try {
      assert.ok(Date.now() - begun >= 1000, 'did not resolve before the port opened');
      assert.equal(started.network, `gantry-svc-${t.id}`);
      const inspect = await docker.getContainer(`${started.network}-web`).inspect();
      const address = inspect.NetworkSettings.Networks[started.network]!.IPAddress;
      assert.equal(await canConnect(address, 8080, 1000, new AbortController().signal), true, 'the port is open from the host when startServices resolves');
      assert.equal((await onNetwork(started.network, 'wget -q -O- http://web:8080/')).trim(), 'hello-from-web');
      const status = await world.podman(['exec', `${started.network}-web`, 'grep', '-E', '^(CapEff|NoNewPrivs)', '/proc/1/status']);
      assert.match(status, /CapEff:\s+00000000000004fb/, 'only CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, SETGID, SETUID, NET_BIND_SERVICE');
      assert.match(status, /NoNewPrivs:\s+1/);
      assert.deepEqual(Object.values(inspect.NetworkSettings.Ports ?? {}).filter((b) => b !== null && b.length > 0), [], 'no host port is published');
      assert.ok(!(inspect.Config.Cmd ?? []).join(' ').includes('hello-from-web'), 'env values are not on the command line');
      assert.ok(t.lines.some((l) => /^service web: ready after \d+\.\ds$/.test(l)), t.lines.join('\n'));
      assert.ok(t.lines.includes('service idle: running'), t.lines.join('\n'));
    } finally {
      await Promise.all([started.stop(), started.stop()]);
    }
    await started.stop();
    assert.deepEqual(await t.leftovers(), nothing);
  });

  it('readiness by health command waits until it exits 0; services start in parallel (each one is only ready once the other answers)', async () => {
    const t = setup();
    const begun = Date.now();
    const script = 'sleep 1; echo ok > /tmp/index.html; touch /tmp/ready; exec httpd -f -p 8080 -h /tmp';
    const healthOf = (other: string) => ({ cmd: ['sh', '-c', `test -f /tmp/ready && wget -q -O /dev/null http://${other}:8080/`], intervalMs: 100, timeoutMs: 20_000 });
    const started = await startServices(docker, t.options([service('one', script, { health: healthOf('two') }), service('two', script, { health: healthOf('one') })]));
    try {
      assert.ok(Date.now() - begun >= 1000, 'did not resolve before the health command could succeed');
      await world.podman(['exec', `${started.network}-one`, 'test', '-f', '/tmp/ready']);
      assert.ok(t.lines.includes('service two: waiting for its health command to succeed'), t.lines.join('\n'));
    } finally {
      await started.stop();
    }
    assert.deepEqual(await t.leftovers(), nothing);
  });

  it('a service that exits at once fails with its reason and last log lines, never its env values, and nothing is left', async () => {
    const t = setup();
    const failing = service('db', 'for i in $(seq 1 30); do echo "line $i"; done; echo "fatal: bad config" >&2; exit 3', { env: { DB_PASSWORD: 'hunter2-not-for-logs' }, ports: [5432] });
    const healthy = service('web', 'exec httpd -f -p 8080 -h /tmp', { ports: [8080] });
    const err = await startServices(docker, t.options([failing, healthy])).then(
      () => assert.fail('startServices resolved'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof GantryError);
    assert.match(err.message, /^service db exited with code 3 before it was ready; its last log lines:/);
    assert.match(err.message, /fatal: bad config/);
    assert.ok(!err.message.includes('line 10\n'), 'only the last lines');
    assert.deepEqual((err.details?.logs as string[]).length, 20);
    assert.equal(err.details?.exitCode, 3);
    assert.ok(!JSON.stringify({ message: err.message, details: err.details, lines: t.lines }).includes('hunter2'), 'env values never appear');
    assert.deepEqual(await t.leftovers(), nothing);
  });

  it('a service with a health command that exits while being checked fails with its exit code, not an exec error', async () => {
    const t = setup();
    const err = await startServices(docker, t.options([service('flaky', 'sleep 1; echo going away; exit 4', { health: { cmd: ['test', '-f', '/tmp/never'], intervalMs: 100, timeoutMs: 20_000 } })])).then(
      () => assert.fail('startServices resolved'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof GantryError);
    assert.match(err.message, /^service flaky exited with code 4 before it was ready; its last log lines:\n {2}going away$/);
    assert.deepEqual(await t.leftovers(), nothing);
  });

  it('a service whose health command never succeeds fails after its timeout, saying what the command said', async () => {
    const t = setup();
    const begun = Date.now();
    const err = await startServices(docker, t.options([service('cache', 'exec sleep 1000', { health: { cmd: ['sh', '-c', 'echo still warming up; exit 1'], intervalMs: 200, timeoutMs: 1500 } })])).then(
      () => assert.fail('startServices resolved'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof GantryError);
    assert.match(err.message, /^service cache not ready after 1\.5s: its health command exited with code 1: still warming up; it printed nothing$/);
    assert.ok(Date.now() - begun < 15_000, 'the 1.5 s limit was honoured, not the 60 s default');
    assert.deepEqual(await t.leftovers(), nothing);
  });

  it('cancel while waiting stops at once, rejects with the reason and removes everything', async () => {
    const controller = new AbortController();
    const t = setup({
      signal: controller.signal,
      onLine: (line) => {
        if (line.startsWith('service never: waiting')) setTimeout(() => controller.abort(new Error('job canceled')), 300);
      },
    });
    const begun = Date.now();
    await assert.rejects(startServices(docker, t.options([service('never', 'exec sleep 1000', { ports: [9999] })])), /job canceled/);
    assert.ok(Date.now() - begun < 10_000);
    assert.deepEqual(await t.leftovers(), nothing);
  });

  it('an image that is not there fails naming the service, and the network is removed', async () => {
    const t = setup();
    await assert.rejects(startServices(docker, t.options([service('ghost', 'true', { image: 'localhost/gantry-no-such-image:1' })])), (err: unknown) => {
      assert.ok(err instanceof GantryError);
      assert.equal(err.code, 'RUNNER_IMAGE_PULL');
      assert.match(err.message, /^service ghost: could not get its image localhost\/gantry-no-such-image:1: /);
      return true;
    });
    assert.deepEqual(await t.leftovers(), nothing);
  });

  it('a service name that is not a host name (Bad_Name) is refused before anything is created', async () => {
    const t = setup();
    await assert.rejects(startServices(docker, t.options([service('Bad_Name', 'true')])), (err: unknown) => err instanceof GantryError && err.code === 'CONFIG_INVALID' && /Bad_Name/.test(err.message));
    assert.deepEqual(await t.leftovers(), nothing);
  });
});
