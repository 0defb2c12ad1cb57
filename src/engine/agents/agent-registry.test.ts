import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GantryError, ManualClock } from '../../core/index.js';
import type { AgentPort, Lease, LeaseRequest } from '../agent-port.js';
import { createAgentRegistry } from './agent-registry.js';

/** A queue with one job per `offer()`: lease polls wait until a job is offered or they abort. */
function fakeQueue() {
  const waiting: { resolve: (lease: Lease | undefined) => void }[] = [];
  let next = 1;
  const stale = new Set<string>();
  const port: AgentPort = {
    lease: (_request, signal) =>
      new Promise((resolve) => {
        if (signal.aborted) return resolve(undefined);
        const waiter = { resolve };
        waiting.push(waiter);
        signal.addEventListener('abort', () => {
          const i = waiting.indexOf(waiter);
          if (i !== -1) waiting.splice(i, 1);
          resolve(undefined);
        }, { once: true });
      }),
    heartbeat: async (leaseId) => {
      if (stale.has(leaseId)) throw new GantryError('LEASE_STALE', 'gone');
      return { cancel: false, expiresAt: 0 };
    },
    reportStep: async () => {},
    appendLogs: async () => ({ acceptedUpTo: 0 }),
    done: async () => {},
    release: async () => {},
  };
  return {
    port,
    polls: () => waiting.length,
    stale: (leaseId: string) => stale.add(leaseId),
    offer(job = 'build'): string | undefined {
      const waiter = waiting.shift();
      if (!waiter) return undefined;
      const leaseId = `lease-${next++}`;
      waiter.resolve({ leaseId, epoch: 1, runId: 7, attempt: 1, job: { id: job } as Lease['job'], plan: {} as Lease['plan'], needs: {}, logSeq: 0, ttlMs: 1000, expiresAt: 0 });
      return leaseId;
    },
  };
}

const request: LeaseRequest = { agentId: 'embedded@host', labels: ['local'], capacity: 2 };
const tick = () => new Promise((resolve) => setImmediate(resolve));

test('an agent is idle, busy while it holds a lease, idle again after done', async () => {
  const queue = fakeQueue();
  const agents = createAgentRegistry({ clock: new ManualClock() });
  agents.register({ id: 'embedded@host', name: 'embedded', kind: 'embedded', capacity: 2 });
  const port = agents.wrap(queue.port);
  assert.equal(agents.get('embedded@host')?.state, 'idle');
  const pending = port.lease(request, new AbortController().signal);
  await tick();
  const leaseId = queue.offer('test')!;
  const lease = await pending;
  assert.equal(lease?.leaseId, leaseId);
  const busy = agents.get('embedded@host')!;
  assert.equal(busy.state, 'busy');
  assert.deepEqual(busy.running.map((j) => [j.runId, j.job]), [[7, 'test']]);
  assert.deepEqual(busy.labels, ['local']);
  await port.done(leaseId, 1, { status: 'success' } as never);
  assert.equal(agents.get('embedded@host')?.state, 'idle');
});

test('a paused agent gets no lease: its waiting poll is withdrawn, new polls wait until resume', async () => {
  const queue = fakeQueue();
  const agents = createAgentRegistry({ clock: new ManualClock() });
  const port = agents.wrap(queue.port);
  const pending = port.lease(request, new AbortController().signal);
  await tick();
  assert.equal(queue.polls(), 1);
  assert.equal(agents.pause('embedded@host').state, 'paused');
  await tick();
  assert.equal(queue.polls(), 0, 'the poll in the queue is withdrawn at once');
  assert.equal(queue.offer(), undefined, 'a job offered now finds no paused agent');
  agents.resume('embedded@host');
  await tick();
  assert.equal(queue.polls(), 1);
  const leaseId = queue.offer();
  assert.equal((await pending)?.leaseId, leaseId);
});

test('a held-back poll ends when the agent itself stops (its signal aborts)', async () => {
  const queue = fakeQueue();
  const agents = createAgentRegistry({ clock: new ManualClock() });
  const port = agents.wrap(queue.port);
  agents.register({ id: request.agentId, name: 'x', kind: 'remote', capacity: 1 });
  agents.pause(request.agentId);
  const stop = new AbortController();
  const pending = port.lease(request, stop.signal);
  await tick();
  stop.abort();
  assert.equal(await pending, undefined);
});

test('drain: no new lease, running jobs go on, then paused; resume makes it active', async () => {
  const queue = fakeQueue();
  const agents = createAgentRegistry({ clock: new ManualClock() });
  const port = agents.wrap(queue.port);
  const first = port.lease(request, new AbortController().signal);
  await tick();
  const leaseId = queue.offer()!;
  await first;
  const second = port.lease(request, new AbortController().signal);
  await tick();
  assert.equal(agents.drain(request.agentId).state, 'draining');
  await tick();
  assert.equal(queue.offer(), undefined, 'a draining agent takes no new job');
  await port.heartbeat(leaseId, 1);
  await port.done(leaseId, 1, { status: 'success' } as never);
  assert.equal(agents.get(request.agentId)?.state, 'paused', 'drained: paused once its last job ended');
  agents.resume(request.agentId);
  await tick();
  const next = queue.offer();
  assert.equal((await second)?.leaseId, next);
});

test('draining an idle agent pauses it at once; a stale lease is no longer counted as running', async () => {
  const queue = fakeQueue();
  const agents = createAgentRegistry({ clock: new ManualClock() });
  const port = agents.wrap(queue.port);
  const pending = port.lease(request, new AbortController().signal);
  await tick();
  const leaseId = queue.offer()!;
  await pending;
  queue.stale(leaseId);
  await assert.rejects(port.heartbeat(leaseId, 1), { code: 'LEASE_STALE' });
  assert.equal(agents.get(request.agentId)?.state, 'idle');
  assert.equal(agents.drain(request.agentId).state, 'paused');
});

test('unknown agents are AGENT_NOT_FOUND; the list is ordered by id', () => {
  const agents = createAgentRegistry({ clock: new ManualClock() });
  agents.register({ id: 'b', name: 'b', kind: 'remote', capacity: 1 });
  agents.register({ id: 'a', name: 'a', kind: 'embedded', capacity: 4, labels: ['local'] });
  assert.deepEqual(agents.list().map((a) => [a.id, a.kind, a.capacity, a.state]), [['a', 'embedded', 4, 'idle'], ['b', 'remote', 1, 'idle']]);
  for (const action of ['pause', 'resume', 'drain'] as const) assert.throws(() => agents[action]('nope'), { code: 'AGENT_NOT_FOUND' });
});
