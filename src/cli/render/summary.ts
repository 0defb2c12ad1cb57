import { formatDuration, type Status } from '../../core/index.js';
import type { RunView } from './run-view.js';
import { ICONS, colorStatus, type Style } from './style.js';

/** The table printed at the end of `gantry exec`: job, status, duration, attempts, then the total. */
export function renderSummary(view: RunView, style: Style): string {
  const rows = view.order.map((id) => {
    const job = view.jobs.get(id)!;
    return {
      name: job.name,
      status: job.status,
      duration: job.status === 'skipped' || job.durationMs === undefined ? '-' : formatDuration(job.totalMs),
      attempts: job.attempt > 0 ? String(job.attempt) : '-',
      reason: job.status === 'success' ? '' : (job.reason ?? ''),
    };
  });
  const head = { name: 'JOB', status: 'STATUS', duration: 'DURATION', attempts: 'ATTEMPTS' };
  const w = {
    name: Math.max(head.name.length, ...rows.map((r) => r.name.length)),
    status: Math.max(head.status.length, ...rows.map((r) => r.status.length + 2)),
    duration: Math.max(head.duration.length, ...rows.map((r) => r.duration.length)),
    attempts: head.attempts.length,
  };
  const lines = [
    style.bold(`${head.name.padEnd(w.name)}  ${head.status.padEnd(w.status)}  ${head.duration.padStart(w.duration)}  ${head.attempts}`),
  ];
  for (const r of rows) {
    const status = colorStatus(style, r.status, `${ICONS[r.status]} ${r.status}`.padEnd(w.status));
    const reason = r.reason ? style.dim(`  ${r.reason}`) : '';
    lines.push(`${r.name.padEnd(w.name)}  ${status}  ${r.duration.padStart(w.duration)}  ${r.attempts.padStart(w.attempts)}${reason}`);
  }
  const status: Status = view.status ?? 'error';
  const counts = countStatuses(view);
  const total = view.durationMs === undefined ? '' : ` in ${formatDuration(view.durationMs)}`;
  lines.push('');
  lines.push(`${colorStatus(style, status, `${ICONS[status]} run ${status}`)}${total} ${style.dim(`(${counts})`)}`);
  if (view.reason && status !== 'success') lines.push(style.dim(`  ${view.reason}`));
  return lines.join('\n');
}

function countStatuses(view: RunView): string {
  const counts = new Map<Status, number>();
  for (const job of view.jobs.values()) counts.set(job.status, (counts.get(job.status) ?? 0) + 1);
  return [...counts.entries()].map(([s, n]) => `${n} ${s}`).join(', ');
}
