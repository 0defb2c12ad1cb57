import { isFinal, type RunEventInput, type Status } from '../../core/index.js';
import type { JobView, RunDetailView } from '../../api-client/index.js';

/**
 * Turns successive snapshots of a run (from the server's run stream) into the RunEvents the local
 * renderers understand, so `gantry trigger --follow` draws the same tree and summary as `gantry
 * exec`. Each transition is announced once and in a sensible order (a job starts before its steps,
 * a step starts before it finishes, the run finishes last), even when a snapshot skipped over the
 * states between two others. Log lines are not in snapshots: the caller adds them.
 */
export class SnapshotEvents {
  #started = false;
  #finished = false;
  readonly #jobs = new Map<string, JobSeen>();

  /** The events that lead from the previous snapshot to this one. */
  next(run: RunDetailView): RunEventInput[] {
    const out: RunEventInput[] = [];
    if (!this.#started) {
      this.#started = true;
      out.push({ type: 'run:started', jobs: run.jobs.map((j) => ({ id: j.id, name: j.name, needs: [...j.needs] })) });
    }
    for (const job of run.jobs) this.#job(job, out);
    if (isFinal(run.status) && !this.#finished) {
      this.#finished = true;
      const jobs: Record<string, Status> = Object.fromEntries(run.jobs.map((j) => [j.id, j.status]));
      out.push({ type: 'run:finished', status: run.status, durationMs: run.durationMs ?? 0, jobs, ...(run.reason ? { reason: run.reason } : {}) });
    }
    return out;
  }

  #job(job: JobView, out: RunEventInput[]): void {
    let seen = this.#jobs.get(job.id);
    if (!seen) this.#jobs.set(job.id, (seen = { attempt: 0, ended: false, steps: new Map() }));
    if (seen.ended) return;
    if (job.status === 'skipped') {
      seen.ended = true;
      out.push({ type: 'job:skipped', job: job.id, reason: job.reason ?? 'skipped' });
      return;
    }
    const active = job.status === 'running' || isFinal(job.status) || job.steps.some((s) => s.status !== 'queued');
    const attempt = Math.max(1, job.attempt);
    if (active && attempt > seen.attempt) {
      seen.attempt = attempt;
      seen.steps.clear();
      out.push({ type: 'job:started', job: job.id, attempt });
    }
    if (!active) return;
    for (const step of job.steps) {
      const state = seen.steps.get(step.index);
      if (state === 'finished' || step.status === 'queued') continue;
      if (state === undefined) {
        out.push({ type: 'step:started', job: job.id, step: step.index, name: step.name });
        seen.steps.set(step.index, 'started');
      }
      if (isFinal(step.status)) {
        out.push({
          type: 'step:finished', job: job.id, step: step.index, name: step.name, status: step.status, durationMs: step.durationMs ?? 0,
          ...(step.exitCode !== null ? { exitCode: step.exitCode } : {}), ...(step.reason ? { reason: step.reason } : {}),
        });
        seen.steps.set(step.index, 'finished');
      }
    }
    if (isFinal(job.status)) {
      seen.ended = true;
      out.push({
        type: 'job:finished', job: job.id, status: job.status, attempt, durationMs: job.durationMs ?? 0, outputs: { ...job.outputs },
        ...(job.reason ? { reason: job.reason } : {}),
      });
    }
  }
}

interface JobSeen {
  attempt: number;
  ended: boolean;
  steps: Map<number, 'started' | 'finished'>;
}
