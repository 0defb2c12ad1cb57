import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { test, type TestContext } from 'node:test';
import pino from 'pino';
import { AgentClient, type AgentCallError } from '../../src/agent/remote/agent-client.js';
import { createGrpcJobStorage } from '../../src/agent/remote/grpc-job-storage.js';
import { GantryError, systemClock } from '../../src/core/index.js';
import { createAgentRegistry, type AgentPort, type Lease } from '../../src/engine/index.js';
import type { LeaseArtifact, LeaseStorage } from '../../src/server/artifacts/lease-storage.js';
import { hashToken } from '../../src/server/auth/index.js';
import { startAgentGrpcServer } from '../../src/server/grpc/index.js';
import { openTempSqliteStore } from '../../src/store/sqlite/index.js';

/*
 * Cache and artifact storage over the agent port: a remote agent's JobStorage (gRPC streams) against
 * the server's storage calls, with an in-memory LeaseStorage of the test's own. Archives larger than
 * one chunk go both ways intact; only the agent holding the lease reaches its storage.
 */

const TOKEN = 'gantry_storage-grpc-0123456789';
const stale = (err: AgentCallError) => err.code === 'LEASE_STALE';

/** Storage for one run, keyed like the real one would be; refuses leases that are not current. */
function memoryStorage(current: { leaseId: string; epoch: number }) {
  const caches = new Map<string, Buffer>();
  const artifacts: { jobId: string; name: string; data: Buffer }[] = [];
  const storage: LeaseStorage = (lease) => {
    if (lease.leaseId !== current.leaseId || lease.epoch !== current.epoch) throw new GantryError('LEASE_STALE', 'not current');
    const jobId = lease.leaseId.split('/')[1]!;
    return {
      async restoreCache(key, prefixes) {
        const hit = caches.has(key) ? key : prefixes.map((p) => [...caches.keys()].reverse().find((k) => k.startsWith(p))).find(Boolean);
        return hit ? { key: hit, archive: Readable.from([caches.get(hit)!]) } : undefined;
      },
      async saveCache(key, archive) {
        if (caches.has(key)) return false;
        caches.set(key, await buffer(archive));
        return true;
      },
      async uploadArtifact(name, archive) {
        artifacts.push({ jobId, name, data: await buffer(archive) });
      },
      async artifactsOf(jobIds) {
        return artifacts.filter((a) => jobIds.includes(a.jobId)).map((a): LeaseArtifact => ({
          jobId: a.jobId, name: a.name, sizeBytes: a.data.length, open: async () => Readable.from([a.data]),
        }));
      },
    };
  };
  return { storage, caches, artifacts };
}

async function harness(t: TestContext, withStorage = true) {
  const temp = await openTempSqliteStore();
  await temp.store.agentTokens.create({ name: 'r', hash: hashToken(TOKEN) });
  const lease: Lease = { leaseId: '5/build', epoch: 2, runId: 5, attempt: 2, plan: {} as Lease['plan'], job: { id: 'build' } as Lease['job'], needs: {}, logSeq: 0, ttlMs: 60_000, expiresAt: 0 };
  let granted = false;
  const port: AgentPort = {
    lease: async () => (granted ? undefined : ((granted = true), lease)),
    heartbeat: async () => ({ cancel: false, expiresAt: 0 }),
    reportStep: async () => undefined,
    appendLogs: async () => ({ acceptedUpTo: 0 }),
    done: async () => undefined,
    release: async () => undefined,
  };
  const memory = memoryStorage(lease);
  const server = await startAgentGrpcServer({ host: '127.0.0.1', port: 0 }, undefined, {
    port, registry: createAgentRegistry(), tokens: temp.store.agentTokens, leaseTtlMs: 60_000, clock: systemClock, logger: pino({ level: 'silent' }),
    ...(withStorage ? { storage: memory.storage } : {}),
  });
  const client = new AgentClient({ server: server.address, token: TOKEN });
  t.after(async () => {
    client.close();
    await server.stop();
    await temp.cleanup();
  });
  const register = (name: string) => client.call<object, { agentId: string }>('register', { protocolVersion: 1, name, labels: [], capacity: 1, backends: [], version: 't' });
  const { agentId } = await register('holder');
  const { agentId: otherId } = await register('other');
  const got = await client.call<object, { lease?: { leaseId: string } }>('lease', { agentId, capacity: 1, waitMs: 1000 });
  assert.equal(got.lease?.leaseId, '5/build');
  const storageFor = (id: string, epoch = 2) => createGrpcJobStorage(client, { agentId: id, leaseId: '5/build', epoch });
  return { memory, client, holder: storageFor(agentId), storageFor, agentId, otherId };
}

const signal = () => AbortSignal.timeout(20_000);

test('cache over gRPC: save (then "exists"), restore by key and by prefix with the matched key first; a 3 MiB archive arrives intact', async (t) => {
  const h = await harness(t);
  const big = randomBytes(3 * 1024 * 1024 + 17);
  assert.equal(await h.holder.saveCache('deps-abc', Readable.from([big]), signal()), true);
  assert.equal(await h.holder.saveCache('deps-abc', Readable.from([Buffer.from('other')]), signal()), false, 'entries are immutable');
  assert.equal(h.memory.caches.get('deps-abc')!.equals(big), true, 'stored as sent');
  const exact = await h.holder.restoreCache('deps-abc', [], signal());
  assert.equal(exact?.key, 'deps-abc');
  assert.equal((await buffer(exact!.archive)).equals(big), true);
  const byPrefix = await h.holder.restoreCache('deps-xyz', ['deps-'], signal());
  assert.equal(byPrefix?.key, 'deps-abc');
  assert.equal((await buffer(byPrefix!.archive)).length, big.length);
  assert.equal(await h.holder.restoreCache('none', ['nope-'], signal()), undefined);
});

test('artifacts over gRPC: upload, list for the needed job, download the bytes; an unknown name is refused as not found', async (t) => {
  const h = await harness(t);
  const data = randomBytes(1024 * 1024 * 2);
  await h.holder.uploadArtifact('dist', Readable.from([data.subarray(0, 5), data.subarray(5)]), 60_000, signal());
  const listed = await h.holder.artifactsOf(['build', 'other'], signal());
  assert.deepEqual(listed.map((a) => [a.jobId, a.name, a.sizeBytes]), [['build', 'dist', data.length]]);
  assert.equal((await buffer(await listed[0]!.open(signal()))).equals(data), true);
  const ghost = h.client.receive('downloadArtifact', { lease: { agentId: h.agentId, leaseId: '5/build', epoch: 2 }, jobId: 'build', name: 'ghost' }, signal());
  await assert.rejects(ghost.next(), (err: AgentCallError) => err.code === 'STORE_NOT_FOUND');
});

test('storage calls for a lease the caller does not hold (another agent of the token, an old epoch) are refused LEASE_STALE and touch nothing', async (t) => {
  const h = await harness(t);
  for (const storage of [h.storageFor(h.otherId), h.storageFor(h.agentId, 1)]) {
    await assert.rejects(storage.saveCache('k', Readable.from([Buffer.from('x')]), signal()), stale);
    await assert.rejects(storage.restoreCache('k', [], signal()), stale);
    await assert.rejects(storage.uploadArtifact('a', Readable.from([Buffer.from('x')]), undefined, signal()), stale);
    await assert.rejects(storage.artifactsOf(['build'], signal()), stale);
  }
  assert.equal(h.memory.caches.size, 0);
  assert.equal(h.memory.artifacts.length, 0);
});

test('a server without storage refuses the storage calls with STORE_UNAVAILABLE', async (t) => {
  const h = await harness(t, false);
  await assert.rejects(h.holder.restoreCache('k', [], signal()), (err: AgentCallError) => err.code === 'STORE_UNAVAILABLE');
  await assert.rejects(h.holder.saveCache('k', Readable.from([Buffer.from('x')]), signal()), (err: AgentCallError) => err.code === 'STORE_UNAVAILABLE');
});
