import { toGantryError, type Clock } from '../../core/index.js';
import type { GitEvent } from '../../pipeline/index.js';
import type { Project, Run, Store } from '../../store/index.js';
import { classifyRef, diffRefs, isZeroSha, lsRemote as gitLsRemote, redactUrl, type LsRemoteOptions, type RefChange } from '../../triggers/index.js';
import type { CreateRunFromEvent } from '../runs/index.js';
import { createTickLoop, type ScheduleLogger, type TickLoop } from './tick-loop.js';

/**
 * Polling: projects with `pollIntervalMs` are listed with `git ls-remote` of their CONFIGURED clone
 * URL when due, and every new or moved branch/tag since the stored snapshot becomes a push/tag run,
 * exactly as if its webhook had arrived (so a lost webhook is caught at the next poll).
 *
 * Snapshot (StateStore `poll:<projectId>` = { url, refs }): the first poll of a project — or of a
 * changed clone URL — only records it, so existing branches never burst into runs. After a poll the
 * snapshot advances, by compare-and-set, only for refs whose run was created (or that need none:
 * deleted, already built, not matched by `on`, or failing for good); a ref whose run failed for a
 * retryable reason (remote unreachable on fetch) keeps its old value and is tried again next poll. The
 * write comes after the runs, so a crash in between re-finds the changes, and the dedupe below keeps
 * that from creating a second run.
 *
 * Dedupe: the run creator makes one run per push however it arrives (server/runs/same-push.ts): a
 * change whose commit its webhook already built creates nothing, and a webhook arriving after the
 * poll built its commit creates nothing either.
 *
 * Concurrency: one pass at a time (TickLoop); within a pass up to `concurrency` projects are polled
 * at once. Failures (ls-remote, a run creator fault, the store) are logged with the project and never
 * end the loop; the project is polled again at its next interval.
 */
export interface PollerOptions {
  store: Pick<Store, 'projects' | 'state'>;
  runCreator: CreateRunFromEvent;
  clock: Clock;
  logger: ScheduleLogger;
  /** Default: `git ls-remote` (triggers). Tests may wrap it to count calls. */
  lsRemote?: (url: string, options: LsRemoteOptions) => Promise<Map<string, string>>;
  /** How often the loop looks for projects due (default 5 s); each project is polled at its own interval. */
  tickIntervalMs?: number;
  /** Kill `git ls-remote` after this long (default 30 s). */
  lsRemoteTimeoutMs?: number;
  /** Projects polled at once within a pass (default 4). */
  concurrency?: number;
}

/** What one project's poll did (tests and debug logs read it). */
export interface PollOutcome {
  projectId: number;
  result: 'recorded' | 'unchanged' | 'changed' | 'failed';
  /** Ids of the runs created. */
  runs: number[];
}

export type Poller = TickLoop<PollOutcome[]>;

interface PollSnapshot {
  url: string;
  refs: Record<string, string>;
}

export const pollStateKey = (projectId: number): string => `poll:${projectId}`;

export function createPoller(options: PollerOptions): Poller {
  const lastPolled = new Map<number, number>();
  const ctx: PollContext = { ...options, list: options.lsRemote ?? gitLsRemote };
  return createTickLoop({
    name: 'poller',
    intervalMs: options.tickIntervalMs ?? 5_000,
    clock: options.clock,
    logger: options.logger,
    pass: async (now, signal) => {
      const projects = await options.store.projects.list();
      const due = projects.filter((p) => {
        if (p.pollIntervalMs === null || p.pollIntervalMs <= 0) return false;
        const last = lastPolled.get(p.id);
        return last === undefined || now - last >= p.pollIntervalMs;
      });
      for (const p of due) lastPolled.set(p.id, now);
      const live = new Set(projects.map((p) => p.id));
      for (const id of lastPolled.keys()) if (!live.has(id)) lastPolled.delete(id);
      return mapLimited(due, options.concurrency ?? 4, (p) => pollProject(ctx, p, signal));
    },
  });
}

interface PollContext extends PollerOptions {
  list: NonNullable<PollerOptions['lsRemote']>;
}

async function pollProject(ctx: PollContext, project: Project, signal: AbortSignal): Promise<PollOutcome> {
  const log = { projectId: project.id, project: project.name };
  const outcome: PollOutcome = { projectId: project.id, result: 'failed', runs: [] };
  try {
    const current = await ctx.list(project.repoUrl, { timeoutMs: ctx.lsRemoteTimeoutMs ?? 30_000, signal });
    const key = pollStateKey(project.id);
    const stored = await ctx.store.state.get<PollSnapshot>(key);
    if (stored === undefined || stored.url !== project.repoUrl) {
      await ctx.store.state.compareAndSet(key, stored, { url: project.repoUrl, refs: Object.fromEntries(current) });
      ctx.logger.info({ ...log, refs: current.size }, 'polling: first listing recorded (no runs for existing refs)');
      return { ...outcome, result: 'recorded' };
    }
    const changes = diffRefs(new Map(Object.entries(stored.refs)), current);
    if (changes.length === 0) return { ...outcome, result: 'unchanged' };
    const next = { ...stored.refs };
    for (const change of changes) {
      if (signal.aborted) break;
      const run = await handleChange(ctx, project, change, next);
      if (run) outcome.runs.push(run.id);
    }
    if (!(await ctx.store.state.compareAndSet(key, stored, { url: project.repoUrl, refs: next }))) {
      ctx.logger.warn(log, 'polling: the stored snapshot changed during the poll; the next poll compares with the new one');
    }
    return { ...outcome, result: 'changed' };
  } catch (err) {
    const error = toGantryError(err);
    ctx.logger.warn({ ...log, url: redactUrl(project.repoUrl), err: error }, `polling ${project.name} failed (retried at the next interval): ${error.message}`);
    return outcome;
  }
}

/** Applies one ref change to `next` once it is handled; returns the run it created, if any. */
async function handleChange(ctx: PollContext, project: Project, change: RefChange, next: Record<string, string>): Promise<Run | undefined> {
  const log = { projectId: project.id, project: project.name, ref: change.ref, before: change.before, after: change.after };
  if (isZeroSha(change.after)) {
    delete next[change.ref];
    return undefined;
  }
  const ref = classifyRef(change.ref);
  if (ref.kind === 'other') return undefined;
  const event: GitEvent = ref.kind === 'branch' ? { name: 'push', branch: ref.name, sha: change.after } : { name: 'tag', tag: ref.name, sha: change.after };
  try {
    const before = ref.kind === 'branch' ? { before: change.before } : {};
    const result = await ctx.runCreator(project, event, { kind: event.name, actor: 'poll', deliveryId: null }, before);
    next[change.ref] = change.after;
    if (!result.created) {
      ctx.logger.info({ ...log, reason: result.reason }, `polling: no run for ${change.ref}: ${result.reason}`);
      return undefined;
    }
    ctx.logger.info({ ...log, runId: result.run.id, run: result.run.number }, 'polling: run created');
    return result.run;
  } catch (err) {
    const error = toGantryError(err);
    // Retryable (fetch failed): keep the old value so the next poll tries again. Otherwise it would
    // fail the same way forever: move on, but say so.
    if (!error.retryable) next[change.ref] = change.after;
    const level = error.retryable ? 'warn' : 'error';
    ctx.logger[level]({ ...log, err: error }, `polling: could not create a run for ${change.ref}${error.retryable ? ' (retried at the next poll)' : ''}: ${error.message}`);
    return undefined;
  }
}

/** `work` over `items` with at most `limit` in flight; results in item order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let index = 0;
  const worker = async (): Promise<void> => {
    while (index < items.length) {
      const i = index++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
