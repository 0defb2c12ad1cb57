import type { RunEvent, Status } from '../../core/index.js';

/**
 * What the CLI knows about a run, rebuilt from RunEvents only, so every renderer (live tree,
 * plain lines, summary) shows the same truth the engine reported.
 */
export interface StepView {
  index: number;
  name: string;
  status: Status;
  startedAt?: number;
  durationMs?: number;
  exitCode?: number;
  reason?: string;
}

export interface JobView {
  id: string;
  name: string;
  needs: string[];
  status: Status;
  attempt: number;
  startedAt?: number;
  durationMs?: number;
  /** Sum of all attempts' durations. */
  totalMs: number;
  reason?: string;
  steps: StepView[];
  /** The last lines of output (masked already), for showing under a failed job. */
  tail: string[];
}

export interface RunView {
  jobs: Map<string, JobView>;
  order: string[];
  status?: Status;
  startedAt?: number;
  durationMs?: number;
  reason?: string;
}

export const TAIL_LINES = 10;

export function createRunView(): RunView {
  return { jobs: new Map(), order: [] };
}

/** Applies one event to the view. Unknown jobs are added on first sight. */
export function applyEvent(view: RunView, event: RunEvent): void {
  switch (event.type) {
    case 'run:started':
      view.startedAt = event.ts;
      for (const job of event.jobs) {
        if (!view.jobs.has(job.id)) view.order.push(job.id);
        view.jobs.set(job.id, { id: job.id, name: job.name, needs: job.needs, status: 'queued', attempt: 0, totalMs: 0, steps: [], tail: [] });
      }
      return;
    case 'run:finished':
      view.status = event.status;
      view.durationMs = event.durationMs;
      if (event.reason !== undefined) view.reason = event.reason;
      return;
    default:
      applyJobEvent(view, event);
  }
}

function jobOf(view: RunView, id: string): JobView {
  let job = view.jobs.get(id);
  if (!job) {
    job = { id, name: id, needs: [], status: 'queued', attempt: 0, totalMs: 0, steps: [], tail: [] };
    view.jobs.set(id, job);
    view.order.push(id);
  }
  return job;
}

function applyJobEvent(view: RunView, event: Exclude<RunEvent, { type: 'run:started' | 'run:finished' }>): void {
  const job = jobOf(view, event.job);
  switch (event.type) {
    case 'job:skipped':
      job.status = 'skipped';
      job.reason = event.reason;
      return;
    case 'job:started':
      job.status = 'running';
      job.attempt = event.attempt;
      job.startedAt = event.ts;
      job.steps = [];
      job.tail = [];
      delete job.reason;
      return;
    case 'job:retrying':
      job.status = 'waiting';
      job.reason = `retrying in ${event.delayMs}ms: ${event.reason}`;
      return;
    case 'job:finished':
      job.status = event.status;
      job.attempt = event.attempt;
      job.durationMs = event.durationMs;
      job.totalMs += event.durationMs;
      if (event.reason !== undefined) job.reason = event.reason;
      return;
    case 'step:started':
      job.steps[event.step] = { index: event.step, name: event.name, status: 'running', startedAt: event.ts };
      return;
    case 'step:finished': {
      const step: StepView = { index: event.step, name: event.name, status: event.status, durationMs: event.durationMs };
      if (event.exitCode !== undefined) step.exitCode = event.exitCode;
      if (event.reason !== undefined) step.reason = event.reason;
      job.steps[event.step] = step;
      return;
    }
    case 'log':
      job.tail.push(event.line);
      if (job.tail.length > TAIL_LINES) job.tail.shift();
      return;
  }
}

/** Why a queued job has not started: the needs that are not finished yet. */
export function waitingFor(view: RunView, job: JobView): string[] {
  return job.needs.filter((id) => {
    const need = view.jobs.get(id);
    return need !== undefined && !['success', 'failure', 'canceled', 'skipped', 'error'].includes(need.status);
  });
}
