import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import pino from 'pino';
import { AgentCallError, AgentClient } from '../../src/agent/remote/agent-client.js';
import { RemotePort } from '../../src/agent/remote/remote-port.js';
import { GantryError, systemClock } from '../../src/core/index.js';
import { createAgentRegistry, createRunService, type AgentPort, type Lease } from '../../src/engine/index.js';
import { hashToken } from '../../src/server/auth/index.js';
import { startAgentGrpcServer } from '../../src/server/grpc/index.js';
import { openTempSqliteStore } from '../../src/store/sqlite/index.js';
import { compilePlan } from '../helpers/compile-plan.js';

/*
 * The lease grant/withdraw race, made deterministic: a job granted just as the agent gave up on its
 * Lease call must go back to the queue at once, not sit with nobody until the lease lapses.
 * (1) the engine's `release`; (2) the server sees the call cancelled as it grants; (3) the answer
 * reaches an agent that stopped asking: it releases it; (4) the answer is lost on the way: the
 * agent's Withdraw gives back what it never received, and keeps what it runs.
 */

const stale = (err: unknown) => err instanceof GantryError && err.code === 'LEASE_STALE';
const TOKEN = 'gantry_release-race-0123456789';

test('engine: a released lease is queued again at the same attempt and leased to the next agent; a started one cannot be released', async (t) => {
  const temp = await openTempSqliteStore();
  const service = createRunService({ store: temp.store, leaseTtlMs: 60_000, pollIntervalMs: 20 });
  t.after(async () => {
    await service.close();
    await temp.cleanup();
  });
  const project = await temp.store.projects.create({ name: 'p', repoUrl: '/x', forge: 'generic' });
  const plan = compilePlan('version: 1\non: { push: {} }\njobs:\n  only:\n    checkout: false\n    steps: [{ run: "true" }]\n', { sha: 'd'.repeat(40) });
  const run = await temp.store.runs.create({ projectId: project.id, event: plan.event, trigger: { kind: 'push' }, plan });
  await service.start();
  const port = service.agentPort;
  const lease = async (agentId: string): Promise<Lease> => {
    const got = await port.lease({ agentId, labels: [], capacity: 1 }, AbortSignal.timeout(5000));
    assert.ok(got);
    return got;
  };
  const first = await lease('a');
  await port.release(first.leaseId, first.epoch);
  await assert.rejects(port.heartbeat(first.leaseId, first.epoch), stale, 'released: not held any more');
  const second = await lease('b');
  assert.deepEqual([second.leaseId, second.epoch, second.attempt], [first.leaseId, 1, 1], 'same attempt: it never ran');
  await port.appendLogs(second.leaseId, second.epoch, [{ seq: 1, step: 0, stream: 'stdout', line: 'ran', ts: 1 }]);
  await assert.rejects(port.release(second.leaseId, second.epoch), stale, 'a lease that reported a line has started');
  await port.done(second.leaseId, second.epoch, { status: 'success', outputs: {} });
  await service.settled(run.id);
  const job = await temp.store.runs.getJob(run.id, 'only');
  assert.deepEqual([job?.status, job?.attempt], ['success', 1]);
});

/** A gRPC agent port over a hand-driven AgentPort that records what is given back. */
async function harness(t: TestContext, lease: AgentPort['lease']) {
  const temp = await openTempSqliteStore();
  await temp.store.agentTokens.create({ name: 'r', hash: hashToken(TOKEN) });
  const released: string[] = [];
  const port: AgentPort = {
    lease,
    heartbeat: async () => ({ cancel: false, expiresAt: 0 }),
    reportStep: async () => undefined,
    appendLogs: async () => ({ acceptedUpTo: 0 }),
    done: async () => undefined,
    release: async (leaseId, epoch) => void released.push(`${leaseId}@${epoch}`),
  };
  const server = await startAgentGrpcServer({ host: '127.0.0.1', port: 0 }, undefined, {
    port, registry: createAgentRegistry(), tokens: temp.store.agentTokens, leaseTtlMs: 60_000, clock: systemClock, logger: pino({ level: 'silent' }),
  });
  const client = new AgentClient({ server: server.address, token: TOKEN });
  const dir = mkdtempSync(join(tmpdir(), 'gantry-release-'));
  t.after(async () => {
    client.close();
    await server.stop();
    await temp.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });
  const remotePort = (call: AgentClient['call']) => new RemotePort({
    client: { call }, clock: systemClock, onNotice: () => undefined, spoolDir: dir,
    registration: { name: 'x', labels: [], capacity: 1, backends: ['local'], version: 'test' },
  });
  return { client, released, remotePort };
}

function grant(n: number): Lease {
  return { leaseId: `9/job${n}`, epoch: 1, runId: 9, attempt: 1, plan: {} as Lease['plan'], job: { id: `job${n}` } as Lease['job'], needs: {}, logSeq: 0, ttlMs: 60_000, expiresAt: 0 };
}

test('server: a job granted as the Lease call is cancelled is given back at once, never counted as held', async (t) => {
  let called!: () => void;
  const reached = new Promise<void>((resolve) => (called = resolve));
  // The queue grants in the same moment the call goes away (it did not see the abort in time).
  const h = await harness(t, (_request, signal) => {
    called();
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve(grant(1)), { once: true }));
  });
  const { agentId } = await h.client.call<object, { agentId: string }>('register', { protocolVersion: 1, name: 'x', labels: [], capacity: 1, backends: [], version: 't' });
  const giveUp = new AbortController();
  const call = h.client.call('lease', { agentId, capacity: 1, waitMs: 30_000 }, { signal: giveUp.signal });
  await reached;
  giveUp.abort();
  await assert.rejects(call);
  for (let i = 0; i < 1000 && h.released.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(h.released, ['9/job1@1']);
  await assert.rejects(h.client.call('heartbeat', { agentId, leaseId: '9/job1', epoch: 1 }), (err: AgentCallError) => err.code === 'LEASE_STALE');
});

test('agent: a lease answered after the agent stopped asking is released, not run', async (t) => {
  const h = await harness(t, async () => grant(2));
  const stop = new AbortController();
  const port = h.remotePort(async (method, request, options) => {
    const answer = await h.client.call(method, request, options);
    if (method === 'lease') stop.abort(); // the answer is in, but the agent is stopping
    return answer as never;
  });
  await port.register();
  assert.equal(await port.lease({ capacity: 1 }, stop.signal), undefined);
  assert.deepEqual(h.released, ['9/job2@1']);
});

test('agent: a Lease answer lost on the way is withdrawn when the agent stops; the lease it runs stays its own', async (t) => {
  let n = 0;
  const h = await harness(t, async () => grant(++n));
  const stop = new AbortController();
  let lose = false;
  const port = h.remotePort(async (method, request, options) => {
    const answer = await h.client.call(method, request, options);
    if (method === 'lease' && lose) {
      // The server sent the grant; the agent cancelled the call before it read the answer.
      stop.abort();
      throw new AgentCallError('API_UNREACHABLE', 'Cancelled on client', 1);
    }
    return answer as never;
  });
  await port.register();
  const running = await port.lease({ capacity: 1 }, stop.signal);
  assert.equal(running?.leaseId, '9/job1');
  lose = true;
  assert.equal(await port.lease({ capacity: 1 }, stop.signal), undefined);
  assert.deepEqual(h.released, ['9/job2@1'], 'only the lease it never received');
  assert.deepEqual(await port.heartbeat('9/job1', 1), { cancel: false, expiresAt: 0 }, 'the lease it runs is still held');
});
