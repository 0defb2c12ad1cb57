import type { RunEventInput } from '../core/index.js';
import type { JobResultSummary, Plan, PlanJob } from '../pipeline/index.js';
import type { JobRunOutcome } from '../runner/index.js';

/*
 * The agent protocol as the agent sees it. These mirror the engine's AgentPort
 * (src/engine/agent-port.ts, where call order, fencing, idempotency and cancellation are documented)
 * structurally: an agent does not import the engine — a remote agent talks to it over the network.
 * The composition root passes the engine's queue where an AgentPortClient is expected, and the
 * type checker compares the shapes there.
 */

export interface AgentPortClient {
  lease(request: { agentId: string; labels: readonly string[]; capacity: number }, signal: AbortSignal): Promise<AgentLease | undefined>;
  heartbeat(leaseId: string, epoch: number): Promise<{ cancel: boolean; expiresAt: number }>;
  reportStep(leaseId: string, epoch: number, event: AgentStepEvent): Promise<void>;
  appendLogs(leaseId: string, epoch: number, lines: readonly AgentLine[]): Promise<{ acceptedUpTo: number }>;
  done(leaseId: string, epoch: number, outcome: JobRunOutcome): Promise<void>;
  release(leaseId: string, epoch: number): Promise<void>;
}

export interface AgentCheckout {
  projectId: number;
  projectName: string;
  repoUrl: string;
  sha: string;
}

export interface AgentLease {
  leaseId: string;
  epoch: number;
  runId: number;
  attempt: number;
  plan: Plan;
  job: PlanJob;
  needs: Record<string, JobResultSummary>;
  checkout?: AgentCheckout;
  logSeq: number;
  /** Decrypted secrets the job references, and notices for its log (see the engine's Lease). */
  secrets?: { values: Record<string, string>; notices: string[] };
  ttlMs: number;
  expiresAt: number;
}

export type AgentStepEvent = Extract<RunEventInput, { type: 'step:started' | 'step:finished' }>;

export interface AgentLine {
  seq: number;
  step: number | null;
  stream: 'stdout' | 'stderr' | 'system';
  line: string;
  ts: number;
}
