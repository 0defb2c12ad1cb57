import type { JobOutcome } from '../executor.js';

/** The outcome of an attempt the engine aborted before any agent held it. */
export function canceledOutcome(signal: AbortSignal): JobOutcome {
  const reason: unknown = signal.reason;
  return { status: 'canceled', outputs: {}, reason: typeof reason === 'string' ? reason : 'canceled before an agent took it' };
}

/** An outcome from an agent is outside input: keep only what the engine understands. */
export function sanitize(outcome: JobOutcome, jobId: string): JobOutcome {
  const statuses = ['success', 'failure', 'canceled', 'error'];
  if (!outcome || !statuses.includes(outcome.status)) {
    return { status: 'error', failureKind: 'infrastructure', outputs: {}, reason: `the agent reported an invalid outcome for '${jobId}'` };
  }
  const outputs: Record<string, string> = {};
  for (const [k, v] of Object.entries(outcome.outputs ?? {})) outputs[k] = String(v);
  return {
    status: outcome.status,
    outputs,
    ...(outcome.failureKind ? { failureKind: outcome.failureKind } : {}),
    ...(outcome.reason !== undefined ? { reason: String(outcome.reason) } : {}),
  };
}
