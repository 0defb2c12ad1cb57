import { formatDuration, type RunEvent } from '../../core/index.js';
import type { RunView } from './run-view.js';
import { ICONS, colorStatus, type Style } from './style.js';

/**
 * Plain output for pipes and CI logs: one prefixed line per log line (`[test (node: 22)] line`)
 * and per state change (`[build] ✓ success 1.2s`). Returns the lines for one event (maybe none).
 * Call after applying the event to `view` so names are known.
 */
export function eventLines(view: RunView, event: RunEvent, style: Style): string[] {
  if (event.type === 'run:started' || event.type === 'run:finished') return [];
  const name = view.jobs.get(event.job)?.name ?? event.job;
  const prefix = style.dim(`[${name}]`);
  switch (event.type) {
    case 'log':
      return event.line.split('\n').map((line) => `${prefix} ${event.stream === 'system' ? style.dim(line) : line}`);
    case 'job:started':
      return [`${prefix} ${colorStatus(style, 'running', ICONS.running)} started${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`];
    case 'job:skipped':
      return [`${prefix} ${colorStatus(style, 'skipped', `${ICONS.skipped} skipped`)}: ${event.reason}`];
    case 'job:retrying':
      return [`${prefix} ${colorStatus(style, 'waiting', '↻ retrying')} attempt ${event.attempt + 1} in ${formatDuration(event.delayMs)}: ${event.reason}`];
    case 'job:finished': {
      const reason = event.reason && event.status !== 'success' ? `: ${event.reason}` : '';
      return [`${prefix} ${colorStatus(style, event.status, `${ICONS[event.status]} ${event.status}`)} ${formatDuration(event.durationMs)}${reason}`];
    }
    case 'step:started':
      return [];
    case 'step:finished': {
      if (event.status === 'success') return [];
      const exit = event.exitCode !== undefined ? ` (exit ${event.exitCode})` : '';
      const reason = event.reason ? `: ${event.reason}` : '';
      return [`${prefix} step "${event.name}" ${colorStatus(style, event.status, event.status)}${exit}${reason}`];
    }
  }
}
