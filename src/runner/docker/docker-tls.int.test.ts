import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import type { RunEventInput } from '../../core/index.js';
import { BASE_IMAGE, labelled, startPodman, type PodmanWorld } from '../../../test/helpers/podman.js';
import { compilePlan } from '../../../test/helpers/compile-plan.js';
import { createJobRunner } from '../job-runner.js';
import { LocalBackend } from '../local/local-backend.js';
import { createContainerRuntime } from './container-runtime.js';

/*
 * The Engine API over tcp:// with TLS, as `dockerd --tlsverify` serves it: real Podman behind a TLS
 * endpoint (a proxy in this test, since Podman's own service speaks no TLS) that verifies the
 * client's certificate against a CA made here with openssl. Tried: a job in a container through it;
 * a client without a certificate from that CA; a client that does not trust the engine's certificate.
 */

const AGENT = 'docker-tls-test';

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** ca.pem + a certificate signed by it, as `<name>.pem`/`<name>.key`, for 127.0.0.1. */
function issue(dir: string, ca: string, name: string): void {
  openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
  openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '1', '-extfile', 'san.cnf', '-out', `${name}.pem`);
}

/** A docker cert dir (ca.pem, cert.pem, key.pem) from files in `dir`. */
function certDir(dir: string, name: string, ca: string, cert: string): string {
  const out = join(dir, name);
  mkdirSync(out);
  for (const [from, to] of [[`${ca}.pem`, 'ca.pem'], [`${cert}.pem`, 'cert.pem'], [`${cert}.key`, 'key.pem']] as const) {
    execFileSync('cp', [join(dir, from), join(out, to)]);
  }
  return out;
}

describe('docker backend over tcp:// with TLS (real Podman behind a TLS endpoint)', () => {
  let world: PodmanWorld;
  let tlsEngine: Server;
  let address: string;
  /** Connections that passed the TLS checks and were handed to Podman. */
  let served = 0;
  const dir = mkdtempSync(join(tmpdir(), 'gantry-docker-tls-'));
  const local = new LocalBackend({ tempRoot: dir });

  before(async () => {
    world = await startPodman();
    execFileSync('sh', ['-c', 'printf "subjectAltName=IP:127.0.0.1\\n" > san.cnf'], { cwd: dir });
    for (const ca of ['ca', 'other-ca']) openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${ca}`, '-keyout', `${ca}.key`, '-out', `${ca}.pem`);
    issue(dir, 'ca', 'engine');
    issue(dir, 'ca', 'client');
    issue(dir, 'other-ca', 'stranger');
    tlsEngine = createServer(
      { key: readFileSync(join(dir, 'engine.key')), cert: readFileSync(join(dir, 'engine.pem')), ca: readFileSync(join(dir, 'ca.pem')), requestCert: true, rejectUnauthorized: true },
      (client) => {
        served++;
        const engine = connect(world.socketPath);
        client.pipe(engine).pipe(client);
        client.on('error', () => engine.destroy());
        engine.on('error', () => client.destroy());
      },
    );
    await new Promise<void>((resolve) => tlsEngine.listen(0, '127.0.0.1', resolve));
    address = `tcp://127.0.0.1:${(tlsEngine.address() as AddressInfo).port}`;
  });
  after(async () => {
    tlsEngine?.close();
    await local.close();
    await world?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a job in a container with the client certificate from the cert dir; nothing is left behind', async () => {
    const runtime = createContainerRuntime({ dockerHost: address, dockerCertPath: certDir(dir, 'good', 'ca', 'client'), agentId: AGENT, privilegedImages: [], tempRoot: dir })!;
    try {
      const plan = compilePlan(`version: 1\njobs:\n  t:\n    image: "${BASE_IMAGE}"\n    steps: [{ run: "echo over tls; cat /etc/hostname >/dev/null" }]\n`);
      const events: RunEventInput[] = [];
      const runner = createJobRunner({ plan, backend: local, containers: runtime.containers, secrets: {}, hostEnv: {}, killGraceMs: 500 });
      const outcome = await runner.runJob(plan.jobs[0]!, { attempt: 1, needs: {}, report: (e) => events.push(e) }, new AbortController().signal);
      const stdout = events.flatMap((e) => (e.type === 'log' && e.stream === 'stdout' ? [e.line] : []));
      assert.equal(outcome.status, 'success', JSON.stringify(events.filter((e) => e.type === 'log')));
      assert.deepEqual(stdout, ['over tls']);
    } finally {
      await runtime.close();
    }
    assert.deepEqual(await labelled(world, `gantry.agent=${AGENT}`), { containers: [], networks: [], volumes: [] });
  });

  it('a client certificate from another CA is refused by the engine; a client that does not trust the engine refuses it', async () => {
    const attempt = async (name: string, ca: string, cert: string, expected: RegExp) => {
      const runtime = createContainerRuntime({ dockerHost: address, dockerCertPath: certDir(dir, name, ca, cert), agentId: AGENT, privilegedImages: [], tempRoot: dir })!;
      try {
        await assert.rejects(runtime.removeLeftovers(), (err: Error) => expected.test(err.message), name);
      } finally {
        await runtime.close();
      }
    };
    // The engine ends the handshake: the client sees the connection go.
    const before = served;
    await attempt('stranger', 'ca', 'stranger', /socket hang up|ECONNRESET|alert/);
    await attempt('distrustful', 'other-ca', 'client', /certificate/);
    assert.equal(served, before, 'no request of either reached the engine');
  });
});
