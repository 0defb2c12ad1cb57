/**
 * Statuses are the same string union in every layer.
 * `error` = the system failed, not the user's command; `waiting` = blocked, with a reason.
 */
export type Status = 'queued' | 'waiting' | 'running' | 'success' | 'failure' | 'canceled' | 'skipped' | 'error';

export const FINAL_STATUSES: ReadonlySet<Status> = new Set(['success', 'failure', 'canceled', 'skipped', 'error']);

export function isFinal(status: Status): boolean {
  return FINAL_STATUSES.has(status);
}
