// Statuses, durations and times as every page shows them. Colour is never the only signal: each status
// also has an icon and its name (screen readers, colour blindness).
import type { StatusName } from '../../src/api-client/types.js';

export const STATUS_ICON: Record<StatusName, string> = {
  queued: '◷',
  waiting: '‖',
  running: '↻',
  success: '✓',
  failure: '✗',
  canceled: '⊘',
  skipped: '↷',
  error: '!',
};

export const isActive = (status: StatusName): boolean => status === 'queued' || status === 'waiting' || status === 'running';

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m ${s % 60}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** Running things have no durationMs yet: the time since they started. */
export function elapsed(startedAt: string | null, durationMs: number | null): string {
  if (durationMs !== null) return duration(durationMs);
  return startedAt ? duration(Date.now() - Date.parse(startedAt)) : '–';
}

export function when(iso: string | null): string {
  if (!iso) return '–';
  const date = new Date(iso);
  const ago = (Date.now() - date.getTime()) / 1000;
  if (ago < 60) return 'just now';
  if (ago < 3600) return `${Math.floor(ago / 60)} min ago`;
  if (ago < 86_400) return `${Math.floor(ago / 3600)} h ago`;
  return date.toLocaleDateString();
}

export const shortSha = (sha: string): string => sha.slice(0, 8);

/** 1536 → "1.5 KB" (powers of 1024, as `du -h`). */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = n / 1024;
  let unit = 0;
  for (; value >= 1024 && unit < units.length - 1; unit++) value /= 1024;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
