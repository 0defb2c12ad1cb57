import type { Run } from '../store/index.js';

/**
 * Concurrency groups (`concurrency: { group, cancel_in_progress }` in the pipeline file), as PURE
 * functions of stored runs — no state of their own, so a restart (even after kill -9) derives the
 * same holders from the store's `running` runs.
 *
 * Rules, per project (two projects never share a group):
 * - at most one run of a group is `running`: the holder;
 * - queued runs of the group start one at a time, oldest (lowest number) first; the others keep
 *   `queued` with the reason `concurrency group <g> held by run #N` (or `… waiting behind run #K`
 *   when nothing runs yet but an older queued run goes first);
 * - a newer run whose plan says `cancelInProgress` cancels the holder and the older queued runs of
 *   its group (`canceled: concurrency group <g> taken by run #M`), then waits only until the
 *   canceled holder has stopped — runs of one group never overlap, even while a cancel is underway.
 *
 * The group text is the plan's (`plan.concurrency.group`): evaluated at compile time, or the raw
 * template text when it could not be. An empty group means no group.
 */
export interface RunGroup {
  /** Project and group together: the identity of the group. */
  key: string;
  group: string;
  cancelInProgress: boolean;
}

export function groupOf(run: Run): RunGroup | undefined {
  const concurrency = run.plan?.concurrency;
  if (!concurrency || concurrency.group.trim() === '') return undefined;
  return { key: `${run.projectId}\u0000${concurrency.group}`, group: concurrency.group, cancelInProgress: concurrency.cancelInProgress };
}

/** The running run holding each group (the oldest, should a store hold several). */
export function groupHolders(running: readonly Run[]): Map<string, Run> {
  const holders = new Map<string, Run>();
  for (const run of running) {
    const group = groupOf(run);
    if (!group) continue;
    const held = holders.get(group.key);
    if (!held || run.number < held.number) holders.set(group.key, run);
  }
  return holders;
}

export const heldReason = (group: string, holder: Run): string => `concurrency group ${group} held by run #${holder.number}`;
export const behindReason = (group: string, ahead: Run): string => `concurrency group ${group} waiting behind run #${ahead.number}`;
export const takenReason = (group: string, taker: Run): string => `canceled: concurrency group ${group} taken by run #${taker.number}`;

/**
 * Queued runs their group holds back, by run id, with the reason. Of each group at most the oldest
 * queued run is left free to start, and only when the group has no holder.
 */
export function groupWaits(queued: readonly Run[], holders: ReadonlyMap<string, Run>): Map<number, string> {
  const waits = new Map<number, string>();
  const oldest = new Map<string, Run>();
  for (const run of [...queued].sort((a, b) => a.number - b.number || a.id - b.id)) {
    const group = groupOf(run);
    if (!group) continue;
    const holder = holders.get(group.key);
    if (holder && holder.id !== run.id) {
      waits.set(run.id, heldReason(group.group, holder));
      continue;
    }
    const ahead = oldest.get(group.key);
    if (ahead) waits.set(run.id, behindReason(group.group, ahead));
    else oldest.set(group.key, run);
  }
  return waits;
}

/**
 * Runs `taker` cancels when its plan says `cancelInProgress`: the older (lower number) runs of its
 * group among `candidates` (the store's queued and running runs). Empty without cancelInProgress.
 */
export function takenFrom(taker: Run, candidates: readonly Run[]): Run[] {
  const group = groupOf(taker);
  if (!group?.cancelInProgress) return [];
  return candidates.filter((run) => run.id !== taker.id && run.number < taker.number && groupOf(run)?.key === group.key);
}
