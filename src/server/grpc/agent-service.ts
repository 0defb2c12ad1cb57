import { status, type handleUnaryCall, type ServerUnaryCall, type ServiceError } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { PROTOCOL_VERSION, type wire, type AgentServiceServer } from '../../agent-protocol/index.js';
import { GantryError, type Clock } from '../../core/index.js';
import type { AgentLogLine, AgentPort, AgentRegistry, JobOutcome, StepReport } from '../../engine/index.js';
import type { AgentToken, AgentTokenStore } from '../../store/index.js';
import type { LeaseStorage } from '../artifacts/lease-storage.js';
import { GANTRY_VERSION } from '../version.js';
import { createAgentAuth } from './agent-auth.js';
import { RpcError, toServiceError } from './rpc-error.js';
import { createStorageCalls } from './storage-calls.js';

export interface AgentServiceOptions {
  /** The job queue as agents must see it: `registry.wrap(runService.agentPort)`. */
  port: AgentPort;
  registry: AgentRegistry;
  tokens: AgentTokenStore;
  leaseTtlMs: number;
  clock: Clock;
  logger: Logger;
  /** The cache and artifact storage of a lease's job; without it the storage calls are refused. */
  storage?: LeaseStorage;
}

/** Longest a Lease call is held open without a job (the agent asks again at once). */
const MAX_LEASE_WAIT_MS = 60_000;
/** How often a waiting Lease call checks that its token still exists. */
const REVOCATION_CHECK_MS = 1000;

interface Registered {
  labels: readonly string[];
  capacity: number;
}

interface Holder {
  agentId: string;
  epoch: number;
  /** The agent has used the lease (Ack or any report): it received it. */
  used: boolean;
}

/**
 * The server's end of proto/gantry/agent/v1: each call is authenticated by its agent token, then
 * mapped onto the engine's AgentPort — the same interface the embedded agent uses. On top of the
 * queue's epoch fencing, a lease may be used only by the agent it was granted to (and agents only
 * under their own token's name): any other call is refused as LEASE_STALE and logged.
 */
export function createAgentService(options: AgentServiceOptions): AgentServiceServer {
  const { port, registry, logger } = options;
  const authenticate = createAgentAuth(options.tokens, () => options.clock.now(), (err) => logger.warn({ err }, 'agent token touch failed'));
  const registered = new Map<string, Registered>();
  const holders = new Map<string, Holder>();

  /** The refusal to send for `err`, logged with who tried. */
  function refuse(name: string, err: unknown, token: AgentToken | undefined, peer: string): Partial<ServiceError> {
    const refused = toServiceError(err);
    const level = refused.code === status.INTERNAL ? 'error' : 'warn';
    logger[level]({ err, call: name, agentToken: token?.name, peer }, `agent call refused: ${refused.details}`);
    return refused;
  }

  /** Runs one call: authenticate, act, answer; refusals are logged with who tried. */
  function unary<Req, Res>(name: string, act: (request: Req, token: AgentToken, call: ServerUnaryCall<Req, Res>) => Promise<Res>): handleUnaryCall<Req, Res> {
    return (call, callback) => {
      let token: AgentToken | undefined;
      authenticate(call.metadata)
        .then((found) => {
          token = found;
          return act(call.request, found, call);
        })
        .then(
          (response) => callback(null, response),
          (err: unknown) => callback(refuse(name, err, token, call.getPeer())),
        );
    };
  }

  function ownAgent(token: AgentToken, agentId: string): void {
    if (!agentId.startsWith(`${token.name}/`)) {
      throw new RpcError(status.PERMISSION_DENIED, 'AUTH_FORBIDDEN', `agent "${agentId}" does not belong to the token "${token.name}"`);
    }
  }

  /** The lease must be this agent's, at this epoch; else the caller's report is late or not its own. */
  function held(token: AgentToken, ref: wire.LeaseRef | undefined): { agentId: string; leaseId: string; epoch: number } {
    if (!ref) throw new GantryError('API_INVALID_REQUEST', 'the call names no lease');
    ownAgent(token, ref.agentId);
    const holder = holders.get(ref.leaseId);
    if (!holder || holder.agentId !== ref.agentId || holder.epoch !== ref.epoch) {
      throw new GantryError('LEASE_STALE', `lease ${ref.leaseId} epoch ${ref.epoch} is not held by agent "${ref.agentId}"`);
    }
    holder.used = true;
    return { agentId: ref.agentId, leaseId: ref.leaseId, epoch: ref.epoch };
  }

  function forget(leaseId: string, epoch: number): void {
    if (holders.get(leaseId)?.epoch === epoch) holders.delete(leaseId);
  }

  /** Gives a lease back to the queue: the agent will not run it (or never received it). */
  async function giveBack(agentId: string, leaseId: string, epoch: number, why: string): Promise<void> {
    forget(leaseId, epoch);
    logger.info({ agentId, leaseId, epoch }, `lease given back: ${why}`);
    await port.release(leaseId, epoch);
  }

  /** A call the queue refuses as LEASE_STALE also ends the lease here. */
  async function fenced<T>(leaseId: string, epoch: number, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof GantryError && err.code === 'LEASE_STALE') forget(leaseId, epoch);
      throw err;
    }
  }

  function parseJson(text: string, what: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      throw new GantryError('API_INVALID_REQUEST', `${what} is not valid JSON`);
    }
  }

  return {
    register: unary<wire.RegisterRequest, wire.RegisterResponse>('Register', async (request, token) => {
      if (request.protocolVersion !== PROTOCOL_VERSION) {
        throw new GantryError('AGENT_PROTOCOL_MISMATCH', `the agent speaks agent protocol v${request.protocolVersion} (Gantry ${request.version || 'unknown'}), the server v${PROTOCOL_VERSION} (Gantry ${GANTRY_VERSION}): run the same Gantry version on both`);
      }
      const name = request.name.trim() || 'agent';
      const agentId = `${token.name}/${name}`;
      const capacity = Math.max(1, request.capacity);
      registered.set(agentId, { labels: [...request.labels], capacity });
      registry.register({ id: agentId, name, kind: 'remote', capacity, labels: request.labels });
      logger.info({ agentId, labels: request.labels, capacity, backends: request.backends, version: request.version }, 'remote agent registered');
      return { agentId, protocolVersion: PROTOCOL_VERSION, serverVersion: GANTRY_VERSION, leaseTtlMs: options.leaseTtlMs };
    }),

    lease: unary<wire.LeaseRequest, wire.LeaseResponse>('Lease', async (request, token, call) => {
      ownAgent(token, request.agentId);
      const agent = registered.get(request.agentId);
      if (!agent) throw new GantryError('AGENT_NOT_FOUND', `agent "${request.agentId}" is not registered (the server restarted?): register again`);
      const wait = new AbortController();
      const timer = setTimeout(() => wait.abort(), Math.min(MAX_LEASE_WAIT_MS, Math.max(1000, request.waitMs || MAX_LEASE_WAIT_MS)));
      const gone = () => wait.abort();
      call.once('cancelled', gone);
      // A token revoked while its agent waits for a job must not get one: look it up again each second.
      let revoked = false;
      const recheck = setInterval(() => {
        options.tokens.findByHash(token.hash).then((still) => {
          if (still) return;
          revoked = true;
          wait.abort();
        }, () => undefined);
      }, REVOCATION_CHECK_MS);
      try {
        const lease = await port.lease({ agentId: request.agentId, labels: agent.labels, capacity: request.capacity }, wait.signal);
        if (revoked) throw new RpcError(status.UNAUTHENTICATED, 'AUTH_INVALID_TOKEN', 'the agent token was revoked');
        if (!lease) return {};
        if (call.cancelled) {
          // The agent gave up on this call (deadline, abort) as the job was granted: the answer
          // would be dropped, and the job would sit with nobody until the lease lapsed.
          await giveBack(request.agentId, lease.leaseId, lease.epoch, 'the Lease call was cancelled as it was granted');
          return {};
        }
        holders.set(lease.leaseId, { agentId: request.agentId, epoch: lease.epoch, used: false });
        const { leaseId, epoch, runId, attempt, ...body } = lease;
        return { lease: { leaseId, epoch, runId, attempt, bodyJson: JSON.stringify(body) } };
      } finally {
        clearTimeout(timer);
        clearInterval(recheck);
        call.off('cancelled', gone);
      }
    }),

    ack: unary<wire.LeaseRef, wire.HeartbeatResponse>('Ack', async (ref, token) => {
      const { leaseId, epoch } = held(token, ref);
      return fenced(leaseId, epoch, () => port.heartbeat(leaseId, epoch));
    }),

    heartbeat: unary<wire.LeaseRef, wire.HeartbeatResponse>('Heartbeat', async (ref, token) => {
      const { leaseId, epoch } = held(token, ref);
      return fenced(leaseId, epoch, () => port.heartbeat(leaseId, epoch));
    }),

    updateStep: unary<wire.UpdateStepRequest, wire.Empty>('UpdateStep', async (request, token) => {
      const { leaseId, epoch } = held(token, request.lease);
      const event = parseJson(request.eventJson, 'the step event') as StepReport;
      await fenced(leaseId, epoch, () => port.reportStep(leaseId, epoch, event));
      return {};
    }),

    appendLogs: unary<wire.AppendLogsRequest, wire.AppendLogsResponse>('AppendLogs', async (request, token) => {
      const { leaseId, epoch } = held(token, request.lease);
      const lines: AgentLogLine[] = request.lines.map((l) => ({
        seq: l.seq, step: l.step ?? null, stream: l.stream === 'stderr' || l.stream === 'system' ? l.stream : 'stdout', line: l.line, ts: l.ts,
      }));
      const answer = await fenced(leaseId, epoch, () => port.appendLogs(leaseId, epoch, lines));
      return { acceptedUpTo: answer.acceptedUpTo };
    }),

    done: unary<wire.DoneRequest, wire.Empty>('Done', async (request, token) => {
      const { leaseId, epoch } = held(token, request.lease);
      const outcome = parseJson(request.outcomeJson, 'the outcome') as JobOutcome;
      try {
        await port.done(leaseId, epoch, outcome);
      } finally {
        forget(leaseId, epoch);
      }
      return {};
    }),

    release: unary<wire.LeaseRef, wire.Empty>('Release', async (ref, token) => {
      const { agentId, leaseId, epoch } = held(token, ref);
      await giveBack(agentId, leaseId, epoch, 'the agent will not run it');
      return {};
    }),

    withdraw: unary<wire.WithdrawRequest, wire.Empty>('Withdraw', async (request, token) => {
      ownAgent(token, request.agentId);
      const holding = new Set(request.holding);
      const lost = [...holders].filter(([leaseId, h]) => h.agentId === request.agentId && !h.used && !holding.has(leaseId));
      for (const [leaseId, h] of lost) {
        await giveBack(request.agentId, leaseId, h.epoch, 'the agent withdrew and never received it').catch((err: unknown) => {
          logger.warn({ err, leaseId }, 'a withdrawn lease could not be given back (it lapses instead)');
        });
      }
      return {};
    }),

    ...createStorageCalls({ storage: options.storage, authenticate, held, refuse }),
  };
}
