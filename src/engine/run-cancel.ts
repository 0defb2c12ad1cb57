import { GantryError, isFinal, type Clock } from '../core/index.js';
import type { Run, RunStore } from '../store/index.js';

/** The part of the run service that stops a run executing in this process. */
export interface ActiveRunCanceler {
  /**
   * Aborts the run's execution here (running jobs are told through their lease heartbeat; jobs not
   * started are skipped); false when it does not execute here. Either way the reason is kept so an
   * execution that is just starting ends at once.
   */
  cancelRun(runId: number, reason: string): boolean;
}

export interface CancelOutcome {
  /** The run as stored after the call. */
  run: Run;
  /**
   * true: the run was executing and its jobs are being stopped; it ends `canceled` once the agents
   * answer (steps with always() still run). false: the run is `canceled` already.
   */
  stopping: boolean;
}

/**
 * Cancels a run with `reason` ("canceled by admin", "superseded by run #7").
 *
 * - queued/waiting: compare-and-set to `canceled` at once; its jobs not ended become `skipped`
 *   with the reason. If the run service started it meanwhile, the running case applies.
 * - running here: the engine's cancel (the run ends `canceled` with the reason when its jobs stop).
 * - running but not executing here (a start in progress, or an orphan): ended in the store with
 *   the reason; a start in progress sees the remembered reason and ends at once.
 * - `canceled` already: returned as is (idempotent). Any other final status: RUN_ALREADY_FINISHED.
 */
export async function cancelStoredRun(runs: RunStore, canceler: ActiveRunCanceler, clock: Clock, runId: number, reason: string): Promise<CancelOutcome> {
  // Each pass either ends the run or saw it change status under us; a status moves forward only.
  for (let pass = 0; pass < 4; pass++) {
    const run = await runs.get(runId);
    if (!run) throw new GantryError('RUN_NOT_FOUND', `run ${runId} does not exist`);
    if (run.status === 'canceled') return { run, stopping: false };
    if (isFinal(run.status)) {
      throw new GantryError('RUN_ALREADY_FINISHED', `run #${run.number} already ended (${run.status}); nothing to cancel`, {
        details: { status: run.status, number: run.number },
      });
    }
    if (run.status === 'running' && canceler.cancelRun(run.id, reason)) return { run, stopping: true };
    const from = run.status === 'running' ? (['running'] as const) : (['queued', 'waiting'] as const);
    const ended = await runs.update(run.id, { status: 'canceled', reason }, { ifStatus: from });
    if (ended) {
      await endUnfinishedJobs(runs, ended, reason, clock.now());
      return { run: ended, stopping: false };
    }
  }
  throw new GantryError('SYSTEM_INTERNAL', `run ${runId} kept changing status while being canceled`);
}

/** Jobs of a canceled run that never ended: not started → `skipped`, found running → `canceled`. */
async function endUnfinishedJobs(runs: RunStore, run: Run, reason: string, now: number): Promise<void> {
  const stored = new Map((await runs.listJobs(run.id)).map((job) => [job.jobId, job]));
  for (const job of run.plan?.jobs ?? []) {
    const record = stored.get(job.id);
    if (record && isFinal(record.status)) continue;
    const status = record?.status === 'running' ? 'canceled' : 'skipped';
    await runs.upsertJob({ runId: run.id, jobId: job.id, name: job.name, status, reason, finishedAt: now });
  }
}
