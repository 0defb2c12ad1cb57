import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { PROTOCOL_VERSION, type wire } from '../../agent-protocol/index.js';
import type { Clock } from '../../core/index.js';
import type { JobRunOutcome } from '../../runner/index.js';
import type { AgentLease, AgentLine, AgentPortClient, AgentStepEvent } from '../port.js';
import { AgentCallError, type AgentClient } from './agent-client.js';
import { LogOutbox } from './log-outbox.js';

export interface Registration {
  name: string;
  labels: readonly string[];
  capacity: number;
  backends: readonly string[];
  version: string;
}

export interface RemotePortOptions {
  client: Pick<AgentClient, 'call'>;
  registration: Registration;
  clock: Clock;
  /** Troubles worth a log line (server unreachable, re-registered…). */
  onNotice(message: string): void;
  /** Where log lines that wait for an unreachable server are spooled (one file per lease). */
  spoolDir: string;
  /** Log lines per lease kept in memory before the spool (default 1000) and, when the spool cannot be written, at most (default 20 000). */
  spool?: { memoryLines?: number; maxMemoryLines?: number };
}

/** How long a Lease call may wait on the server for a job before it is asked again. */
const LEASE_WAIT_MS = 30_000;
const MAX_BACKOFF_MS = 5_000;

function unreachable(err: unknown): boolean {
  return err instanceof AgentCallError && err.code === 'API_UNREACHABLE';
}

/**
 * The agent protocol over gRPC, as the agent loop (createEmbeddedAgent) expects it: the same
 * AgentPortClient the embedded agent gets in-process. What the network adds is handled here:
 * registration (again after a server restart), reconnecting with backoff while the server is down
 * (lease polls and reports wait and retry; a report gives up once its lease would have lapsed),
 * log lines
 * delivered from an outbox per lease (spooled to disk while the server is away, see LogOutbox), and
 * leases that arrive after the agent stopped asking given back at once (Release, Withdraw).
 */
export class RemotePort implements AgentPortClient {
  readonly #options: RemotePortOptions;
  #agentId: string | undefined;
  #leaseTtlMs = 30_000;
  /** Leases received and not yet done or released, with their log outbox. */
  readonly #held = new Map<string, { epoch: number; logSeq: number; outbox: LogOutbox | undefined }>();
  #withdrawn = false;

  constructor(options: RemotePortOptions) {
    this.#options = options;
  }

  get agentId(): string | undefined {
    return this.#agentId;
  }

  /** Registers (retrying while the server is unreachable); a protocol mismatch or bad token throws. */
  async register(signal?: AbortSignal): Promise<string> {
    const { registration } = this.#options;
    const request: wire.RegisterRequest = { protocolVersion: PROTOCOL_VERSION, ...registration, labels: [...registration.labels], backends: [...registration.backends] };
    const answer = await this.#retry<wire.RegisterResponse>(() => this.#options.client.call('register', request, { timeoutMs: 10_000 }), signal, Infinity);
    this.#agentId = answer.agentId;
    this.#leaseTtlMs = answer.leaseTtlMs;
    return answer.agentId;
  }

  async lease(request: { capacity: number }, signal: AbortSignal): Promise<AgentLease | undefined> {
    while (!signal.aborted) {
      let answer: wire.LeaseResponse;
      try {
        const agentId = this.#agentId ?? (await this.register(signal));
        answer = await this.#retry<wire.LeaseResponse>(() => this.#options.client.call('lease', { agentId, capacity: request.capacity, waitMs: LEASE_WAIT_MS }, { signal }), signal, Infinity);
      } catch (err) {
        if (signal.aborted) return this.#withdraw();
        if (err instanceof AgentCallError && err.code === 'AGENT_NOT_FOUND') {
          this.#options.onNotice('the server does not know this agent (it restarted): registering again');
          this.#agentId = undefined;
          continue;
        }
        throw err;
      }
      if (!answer.lease) continue;
      const lease = decode(answer.lease);
      if (signal.aborted) {
        // The agent stopped asking while the answer was on its way: give the job straight back.
        await this.release(lease.leaseId, lease.epoch).catch((err: unknown) => this.#options.onNotice(`lease ${lease.leaseId} could not be given back (it lapses instead): ${(err as Error).message}`));
        return this.#withdraw();
      }
      this.#held.set(lease.leaseId, { epoch: lease.epoch, logSeq: lease.logSeq, outbox: undefined });
      return lease;
    }
    return undefined;
  }

  async heartbeat(leaseId: string, epoch: number): Promise<{ cancel: boolean; expiresAt: number }> {
    try {
      return await this.#options.client.call<wire.LeaseRef, wire.HeartbeatResponse>('heartbeat', this.#ref(leaseId, epoch), { timeoutMs: 10_000 });
    } catch (err) {
      // Someone else holds the job now: its spooled lines have nowhere to go.
      if (err instanceof AgentCallError && err.code === 'LEASE_STALE') this.#forget(leaseId);
      throw err;
    }
  }

  async reportStep(leaseId: string, epoch: number, event: AgentStepEvent): Promise<void> {
    await this.#report('updateStep', { lease: this.#ref(leaseId, epoch), eventJson: JSON.stringify(event) });
  }

  /**
   * Answers as soon as the lines are in the lease's outbox (memory or spool file), which delivers
   * them in order on its own; `done` waits for it. The answer is the last seq taken.
   */
  async appendLogs(leaseId: string, epoch: number, lines: readonly AgentLine[]): Promise<{ acceptedUpTo: number }> {
    this.#outbox(leaseId, epoch).add(lines);
    return { acceptedUpTo: lines.at(-1)?.seq ?? 0 };
  }

  async done(leaseId: string, epoch: number, outcome: JobRunOutcome): Promise<void> {
    const outbox = this.#held.get(leaseId)?.outbox;
    try {
      await outbox?.drain();
      await this.#report('done', { lease: this.#ref(leaseId, epoch), outcomeJson: JSON.stringify(outcome) });
    } finally {
      this.#forget(leaseId);
    }
  }

  /** Gives back a lease this agent will not run (see AgentPort.release). */
  async release(leaseId: string, epoch: number): Promise<void> {
    this.#forget(leaseId);
    await this.#report('release', this.#ref(leaseId, epoch));
  }

  /** The lease as storage calls name it. */
  leaseRef(leaseId: string, epoch: number): wire.LeaseRef {
    return this.#ref(leaseId, epoch);
  }

  /**
   * Leasing stopped: a Lease answer the server sent as the call was cancelled is lost on the way,
   * and its job would wait for the lease to lapse. Withdraw gives back every lease granted to this
   * agent that it does not hold. Once per agent (all slots stop together).
   */
  async #withdraw(): Promise<undefined> {
    if (this.#withdrawn || this.#agentId === undefined) return undefined;
    this.#withdrawn = true;
    await this.#options.client.call('withdraw', { agentId: this.#agentId, holding: [...this.#held.keys()] }, { timeoutMs: 5000 })
      .catch((err: unknown) => this.#options.onNotice(`could not withdraw from the server: ${(err as Error).message}`));
    return undefined;
  }

  #outbox(leaseId: string, epoch: number): LogOutbox {
    const held = this.#held.get(leaseId);
    if (!held || held.epoch !== epoch) throw new AgentCallError('LEASE_STALE', `lease ${leaseId} epoch ${epoch} is not held by this agent`, status.FAILED_PRECONDITION);
    held.outbox ??= new LogOutbox({
      send: (lines) => this.#options.client.call<wire.AppendLogsRequest, wire.AppendLogsResponse>('appendLogs', { lease: this.#ref(leaseId, epoch), lines: lines.map(toWire) }, { timeoutMs: 10_000 }),
      spoolFile: join(this.#options.spoolDir, `${leaseId.replace(/[^A-Za-z0-9_.-]+/g, '-')}.${epoch}.jsonl`),
      logSeq: held.logSeq,
      ...this.#options.spool,
      giveUpAfterMs: this.#leaseTtlMs,
      clock: this.#options.clock,
      onNotice: (message) => this.#options.onNotice(`lease ${leaseId}: ${message}`),
    });
    return held.outbox;
  }

  #forget(leaseId: string): void {
    this.#held.get(leaseId)?.outbox?.close();
    this.#held.delete(leaseId);
  }

  #ref(leaseId: string, epoch: number): wire.LeaseRef {
    return { agentId: this.#agentId ?? '', leaseId, epoch };
  }

  /** A report retried while the server is unreachable, until its lease would have lapsed anyway. */
  #report<Res>(method: 'updateStep' | 'done' | 'release', request: unknown): Promise<Res> {
    return this.#retry(() => this.#options.client.call<unknown, Res>(method, request, { timeoutMs: 10_000 }), undefined, this.#leaseTtlMs);
  }

  /** Retries `call` with exponential backoff (200 ms … 5 s) while the server is unreachable, for up to `forMs`. */
  async #retry<T>(call: () => Promise<T>, signal: AbortSignal | undefined, forMs: number): Promise<T> {
    const { clock } = this.#options;
    const giveUpAt = clock.now() + forMs;
    let backoff = 200;
    let told = false;
    for (;;) {
      try {
        const result = await call();
        if (told) this.#options.onNotice('reconnected to the server');
        return result;
      } catch (err) {
        if (!unreachable(err) || signal?.aborted || clock.now() + backoff > giveUpAt) throw err;
        if (!told) this.#options.onNotice(`server unreachable (${(err as Error).message}): retrying`);
        told = true;
        await clock.sleep(backoff, signal).catch(() => undefined);
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      }
    }
  }
}

function toWire(l: AgentLine): wire.LogLine {
  return { seq: l.seq, ...(l.step === null ? {} : { step: l.step }), stream: l.stream, line: l.line, ts: l.ts };
}

function decode(lease: wire.Lease): AgentLease {
  const body = JSON.parse(lease.bodyJson) as Omit<AgentLease, 'leaseId' | 'epoch' | 'runId' | 'attempt'>;
  return { ...body, leaseId: lease.leaseId, epoch: lease.epoch, runId: lease.runId, attempt: lease.attempt };
}
