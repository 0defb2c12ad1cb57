import { formatDuration } from '../../core/index.js';
import type { JobView, RunView, StepView } from './run-view.js';
import { waitingFor } from './run-view.js';
import { ICONS, SPINNER, colorStatus, type Style } from './style.js';

/**
 * The live tree shown on a TTY: one line per job, its steps under it while it runs or when it
 * failed, the last log lines under a failed job. Pure: the same view and clock give the same text.
 */
export function renderTree(view: RunView, now: number, frame: number, style: Style): string {
  const lines: string[] = [];
  for (const id of view.order) {
    const job = view.jobs.get(id);
    if (job) lines.push(...renderJob(view, job, now, frame, style));
  }
  return lines.join('\n');
}

function icon(status: JobView['status'], frame: number, style: Style): string {
  const glyph = status === 'running' ? SPINNER[frame % SPINNER.length]! : ICONS[status];
  return colorStatus(style, status, glyph);
}

function jobHead(view: RunView, job: JobView, now: number, frame: number, style: Style): string {
  const attempt = job.attempt > 1 ? style.dim(` (attempt ${job.attempt})`) : '';
  let tail = '';
  if (job.status === 'running' && job.startedAt !== undefined) tail = style.dim(` ${formatDuration(now - job.startedAt)}`);
  else if (job.durationMs !== undefined && job.status !== 'skipped') tail = style.dim(` ${formatDuration(job.durationMs)}`);
  if (job.status === 'queued') {
    const waits = waitingFor(view, job);
    if (waits.length > 0) tail += style.dim(` waiting for ${waits.join(', ')}`);
  } else if (job.reason && job.status !== 'success') {
    tail += style.dim(` — ${job.reason}`);
  }
  return `${icon(job.status, frame, style)} ${job.name}${attempt}${tail}`;
}

function renderJob(view: RunView, job: JobView, now: number, frame: number, style: Style): string[] {
  const out = [jobHead(view, job, now, frame, style)];
  const showSteps = job.status === 'running' || job.status === 'failure' || job.status === 'error' || job.status === 'waiting';
  if (showSteps) for (const step of job.steps) if (step) out.push(`  ${stepLine(step, now, frame, style)}`);
  if ((job.status === 'failure' || job.status === 'error') && job.tail.length > 0) {
    for (const line of job.tail) out.push(style.dim(`    │ ${line}`));
  }
  return out;
}

function stepLine(step: StepView, now: number, frame: number, style: Style): string {
  let time = '';
  if (step.status === 'running' && step.startedAt !== undefined) time = ` ${formatDuration(now - step.startedAt)}`;
  else if (step.durationMs !== undefined) time = ` ${formatDuration(step.durationMs)}`;
  const exit = step.exitCode !== undefined && step.exitCode !== 0 ? ` (exit ${step.exitCode})` : '';
  const reason = step.reason && step.status !== 'success' ? ` — ${step.reason}` : '';
  return `${icon(step.status, frame, style)} ${step.name}${style.dim(time + exit + reason)}`;
}
