import { GantryError, systemClock, type Clock } from '../../core/index.js';
import type { AgentPort, Lease, LeaseRequest } from '../agent-port.js';

/**
 * Every agent the server knows (the embedded one; remote agents over gRPC later), what each runs, and
 * the admin's say over it.
 *
 * Agents reach the job queue only through `wrap(queue)`, which is how the registry sees leases come
 * and go and how it holds an agent back:
 *   active ──pause──▶ paused ──resume──▶ active
 *   active ──drain──▶ draining ──(its last job ends)──▶ paused;  draining ──resume──▶ active
 * A paused or draining agent gets NO new lease: its `lease` long poll waits (until resumed or its
 * own signal aborts), and a poll already waiting in the queue is withdrawn at once. Jobs it already
 * runs carry on (pause does not cancel; cancel the run for that).
 * `state` as shown: paused | draining, else busy when it runs a job, else idle.
 * Concurrency: single-threaded bookkeeping; every method is synchronous except the port calls.
 */
export type AgentState = 'idle' | 'busy' | 'paused' | 'draining';
export type AgentKind = 'embedded' | 'remote';

export interface AgentRunningJob {
  readonly leaseId: string;
  readonly runId: number;
  readonly job: string;
  /** Epoch ms when the lease was granted. */
  readonly since: number;
}

export interface AgentInfo {
  readonly id: string;
  readonly name: string;
  readonly kind: AgentKind;
  readonly state: AgentState;
  readonly labels: readonly string[];
  /** Jobs it runs at once. */
  readonly capacity: number;
  readonly running: readonly AgentRunningJob[];
  /** Epoch ms of its last call (lease poll, heartbeat…). */
  readonly lastSeenAt: number;
}

export interface AgentRegistration {
  id: string;
  name: string;
  kind: AgentKind;
  capacity: number;
  labels?: readonly string[];
}

export interface AgentRegistry {
  /** Known before its first call (the embedded agent at start-up). Re-registering updates it. */
  register(agent: AgentRegistration): void;
  /** Ordered by id. */
  list(): AgentInfo[];
  get(id: string): AgentInfo | undefined;
  /** The following throw AGENT_NOT_FOUND for an unknown id and are idempotent. */
  pause(id: string): AgentInfo;
  resume(id: string): AgentInfo;
  drain(id: string): AgentInfo;
  /** The queue as agents must see it. */
  wrap(port: AgentPort): AgentPort;
}

type Mode = 'active' | 'paused' | 'draining';

interface Entry {
  id: string;
  name: string;
  kind: AgentKind;
  capacity: number;
  labels: readonly string[];
  mode: Mode;
  lastSeenAt: number;
  jobs: Map<string, AgentRunningJob>;
  /** Lease polls in the queue now: aborted when the agent is paused or drained. */
  polls: Set<AbortController>;
  /** Polls held back while not active: woken by resume. */
  held: Set<() => void>;
}

export function createAgentRegistry(options: { clock?: Clock } = {}): AgentRegistry {
  const clock = options.clock ?? systemClock;
  const agents = new Map<string, Entry>();
  const leaseOwner = new Map<string, Entry>();

  function entryFor(registration: AgentRegistration): Entry {
    let entry = agents.get(registration.id);
    if (!entry) {
      entry = { ...registration, labels: [...(registration.labels ?? [])], mode: 'active', lastSeenAt: clock.now(), jobs: new Map(), polls: new Set(), held: new Set() };
      agents.set(entry.id, entry);
    }
    return entry;
  }

  function view(entry: Entry): AgentInfo {
    const state: AgentState = entry.mode !== 'active' ? entry.mode : entry.jobs.size > 0 ? 'busy' : 'idle';
    const { id, name, kind, labels, capacity, lastSeenAt } = entry;
    return { id, name, kind, state, labels: [...labels], capacity, running: [...entry.jobs.values()], lastSeenAt };
  }

  function known(id: string): Entry {
    const entry = agents.get(id);
    if (!entry) throw new GantryError('AGENT_NOT_FOUND', `no agent with id "${id}"`);
    return entry;
  }

  function holdBack(entry: Entry, mode: Mode): AgentInfo {
    entry.mode = mode === 'draining' && entry.jobs.size === 0 ? 'paused' : mode;
    for (const poll of entry.polls) poll.abort();
    return view(entry);
  }

  function forget(leaseId: string): void {
    const entry = leaseOwner.get(leaseId);
    if (!entry) return;
    leaseOwner.delete(leaseId);
    entry.jobs.delete(leaseId);
    if (entry.mode === 'draining' && entry.jobs.size === 0) entry.mode = 'paused';
  }

  function waitUntilActive(entry: Entry, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        entry.held.delete(wake);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      entry.held.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  async function lease(port: AgentPort, request: LeaseRequest, signal: AbortSignal): Promise<Lease | undefined> {
    const entry = entryFor({ id: request.agentId, name: request.agentId, kind: 'remote', capacity: request.capacity, labels: request.labels });
    entry.labels = [...request.labels];
    for (;;) {
      entry.lastSeenAt = clock.now();
      if (signal.aborted) return undefined;
      if (entry.mode !== 'active') {
        await waitUntilActive(entry, signal);
        continue;
      }
      const poll = new AbortController();
      entry.polls.add(poll);
      let granted: Lease | undefined;
      try {
        granted = await port.lease(request, AbortSignal.any([signal, poll.signal]));
      } finally {
        entry.polls.delete(poll);
      }
      if (granted) {
        entry.jobs.set(granted.leaseId, { leaseId: granted.leaseId, runId: granted.runId, job: granted.job.id, since: clock.now() });
        leaseOwner.set(granted.leaseId, entry);
        return granted;
      }
    }
  }

  return {
    register(registration) {
      const entry = entryFor(registration);
      Object.assign(entry, { name: registration.name, kind: registration.kind, capacity: registration.capacity });
      if (registration.labels) entry.labels = [...registration.labels];
    },
    list: () => [...agents.values()].sort((a, b) => a.id.localeCompare(b.id)).map(view),
    get: (id) => {
      const entry = agents.get(id);
      return entry && view(entry);
    },
    pause: (id) => holdBack(known(id), 'paused'),
    drain: (id) => {
      const entry = known(id);
      return entry.mode === 'paused' ? view(entry) : holdBack(entry, 'draining');
    },
    resume(id) {
      const entry = known(id);
      entry.mode = 'active';
      for (const wake of [...entry.held]) wake();
      return view(entry);
    },
    wrap: (port) => ({
      lease: (request, signal) => lease(port, request, signal),
      heartbeat: async (leaseId, epoch) => {
        const owner = leaseOwner.get(leaseId);
        if (owner) owner.lastSeenAt = clock.now();
        try {
          return await port.heartbeat(leaseId, epoch);
        } catch (err) {
          // A lease that lapsed or moved on is no longer this agent's job.
          if (err instanceof GantryError && err.code === 'LEASE_STALE') forget(leaseId);
          throw err;
        }
      },
      reportStep: (leaseId, epoch, event) => port.reportStep(leaseId, epoch, event),
      appendLogs: (leaseId, epoch, lines) => port.appendLogs(leaseId, epoch, lines),
      release: async (leaseId, epoch) => {
        await port.release(leaseId, epoch);
        forget(leaseId);
      },
      done: async (leaseId, epoch, outcome) => {
        try {
          await port.done(leaseId, epoch, outcome);
        } finally {
          forget(leaseId);
        }
      },
    }),
  };
}
