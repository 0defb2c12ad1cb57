import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { PROTOCOL_VERSION } from '../../agent-protocol/index.js';
import { AgentClient } from '../../agent/remote/agent-client.js';
import { systemClock } from '../../core/index.js';
import { createAgentRegistry, type AgentPort } from '../../engine/index.js';
import { openTempSqliteStore } from '../../store/sqlite/index.js';
import { hashToken } from '../auth/index.js';
import { startAgentGrpcServer } from './index.js';

/*
 * Mutual TLS on the agent port (certificates made with openssl): with agentTlsClientCa set, an
 * agent with a token but no client certificate signed by that CA cannot even call Register.
 */

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

test('mutual TLS: an agent without a client certificate from the CA is refused; with one it registers', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-mtls-'));
  const temp = await openTempSqliteStore();
  t.after(async () => {
    await temp.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });
  openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=test-ca', '-keyout', 'ca.key', '-out', 'ca.pem');
  openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-keyout', 'server.key', '-out', 'server.pem');
  openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=agent', '-keyout', 'agent.key', '-out', 'agent.csr');
  openssl(dir, 'x509', '-req', '-in', 'agent.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-out', 'agent.pem');
  await temp.store.agentTokens.create({ name: 'm', hash: hashToken('gantry_mtls-token') });
  const port: AgentPort = {
    lease: async () => undefined,
    heartbeat: async () => ({ cancel: false, expiresAt: 0 }),
    reportStep: async () => undefined,
    appendLogs: async () => ({ acceptedUpTo: 0 }),
    done: async () => undefined,
    release: async () => undefined,
  };
  const server = await startAgentGrpcServer(
    { host: 'localhost', port: 0 },
    { certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server.key'), clientCaFile: join(dir, 'ca.pem') },
    { port, registry: createAgentRegistry(), tokens: temp.store.agentTokens, leaseTtlMs: 2000, clock: systemClock, logger: pino({ level: 'silent' }) },
  );
  t.after(() => server.stop());
  const target = `grpcs://${server.address}`;
  const register = { protocolVersion: PROTOCOL_VERSION, name: 'x', labels: [], capacity: 1, backends: [], version: 'test' };

  const withoutCert = new AgentClient({ server: target, token: 'gantry_mtls-token', caFile: join(dir, 'server.pem') });
  t.after(() => withoutCert.close());
  await assert.rejects(withoutCert.call('register', register, { timeoutMs: 5000 }), (err: { code: string }) => err.code === 'API_UNREACHABLE');

  const withCert = new AgentClient({ server: target, token: 'gantry_mtls-token', caFile: join(dir, 'server.pem'), certFile: join(dir, 'agent.pem'), keyFile: join(dir, 'agent.key') });
  t.after(() => withCert.close());
  const answer = await withCert.call<object, { agentId: string }>('register', register, { timeoutMs: 5000 });
  assert.equal(answer.agentId, 'm/x');
});
