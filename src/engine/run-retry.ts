import { GantryError, isFinal, type Clock } from '../core/index.js';
import type { Plan } from '../pipeline/index.js';
import type { JobRecord, Run, RunStore } from '../store/index.js';
import type { ResumedJob } from './run-options.js';

export interface RetryOptions {
  /** Run again only what did not succeed: succeeded jobs are carried over with their outputs. */
  failedOnly?: boolean;
  /** Who asked (token or user name). */
  actor?: string | null;
}

/**
 * Retries an ended run as a NEW run (next number, `trigger.retryOf` = the old run's id) with the
 * same event, commit and stored plan — the pipeline is not compiled again.
 *
 * With `failedOnly`, the jobs that succeeded in the old run are written into the new run first, as
 * `success` with their outputs, attempts and steps; the run service gives them to the engine as
 * ended results (the resume mechanism), so only the failed, canceled or skipped jobs run again and
 * their `needs` see the old outputs. The new run is created `waiting` and only becomes `queued` once
 * those jobs are stored, so the run service never starts it half-written.
 *
 * Errors: RUN_NOT_FINISHED (the run has not ended), RUN_NOT_RETRYABLE (no compiled plan).
 * Not idempotent: every call creates a run.
 */
export async function retryStoredRun(runs: RunStore, clock: Clock, old: Run, options: RetryOptions = {}): Promise<Run> {
  if (!isFinal(old.status)) {
    throw new GantryError('RUN_NOT_FINISHED', `run #${old.number} is ${old.status}; only an ended run can be retried`, { details: { status: old.status, number: old.number } });
  }
  if (!old.plan) throw new GantryError('RUN_NOT_RETRYABLE', `run #${old.number} has no compiled plan (${old.reason ?? 'it did not compile'})`);
  const trigger = { kind: old.trigger.kind, actor: options.actor ?? null, retryOf: old.id };
  if (!options.failedOnly) return runs.create({ projectId: old.projectId, event: old.event, trigger, plan: old.plan });
  const run = await runs.create({
    projectId: old.projectId, event: old.event, trigger, plan: old.plan, status: 'waiting', reason: `carrying over the jobs that succeeded in run #${old.number}`,
  });
  await carryOver(runs, clock, old, run.id);
  const queued = await runs.update(run.id, { status: 'queued', reason: null }, { ifStatus: ['waiting'] });
  return queued ?? run;
}

async function carryOver(runs: RunStore, clock: Clock, old: Run, runId: number): Promise<void> {
  const reason = `carried over from run #${old.number}`;
  for (const job of await runs.listJobs(old.id)) {
    if (job.status !== 'success') continue;
    await runs.upsertJob({
      runId, jobId: job.jobId, name: job.name, status: 'success', reason, attempt: job.attempt, outputs: job.outputs,
      queuedAt: job.queuedAt, startedAt: job.startedAt, finishedAt: job.finishedAt ?? clock.now(),
    });
    for (const step of await runs.listSteps(old.id, job.jobId)) {
      await runs.upsertStep({
        runId, jobId: job.jobId, step: step.step, name: step.name, status: step.status, reason: step.reason,
        exitCode: step.exitCode, startedAt: step.startedAt, finishedAt: step.finishedAt,
      });
    }
  }
}

/**
 * Jobs of a run that has not started yet that are already `success`: only a failed-only retry
 * writes such jobs (the intake writes `skipped` ones at most), so the engine takes them as ended.
 */
export function carriedOverJobs(plan: Plan, stored: readonly JobRecord[]): Map<string, ResumedJob> {
  const inPlan = new Set(plan.jobs.map((job) => job.id));
  const ended = new Map<string, ResumedJob>();
  for (const job of stored) {
    if (job.status !== 'success' || !inPlan.has(job.jobId)) continue;
    ended.set(job.jobId, { status: 'success', ...(job.reason === null ? {} : { reason: job.reason }), attempts: job.attempt, outputs: { ...job.outputs } });
  }
  return ended;
}
