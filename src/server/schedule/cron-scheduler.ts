import { formatDiagnostic, toGantryError, type Clock } from '../../core/index.js';
import { loadPipeline, type PipelineFile } from '../../pipeline/index.js';
import type { Project, Store } from '../../store/index.js';
import { dueCronRuns, validateCronSchedule, type CronDue, type CronSchedule } from '../../triggers/index.js';
import type { RepoMirrors } from '../repos/index.js';
import { findPipelineFile, type CreateRunFromEvent } from '../runs/index.js';
import { createTickLoop, type ScheduleLogger, type TickLoop } from './tick-loop.js';

/**
 * Cron: `on.cron` schedules of each project's default branch fire `cron` runs.
 *
 * Where schedules come from: the pipeline file at the head of the default branch, re-read every
 * `refreshMs` (one mirror sync then, cached by commit so an unchanged head is not parsed again). A
 * file that does not load (a bad pattern is a lint error) or a schedule croner refuses (a bad time
 * zone) is logged once per commit and fires nothing; the other projects and schedules go on.
 *
 * When: StateStore `cron:<projectId>:<name>` holds the occurrence a schedule last fired for. A schedule
 * seen for the first time records `now` (it fires from its next occurrence, never for the past).
 * After downtime, `dueCronRuns` gives ONE due entry per schedule (the latest missed occurrence), and
 * recording it makes the schedule wait for its next occurrence: one catch-up run, not a burst.
 *
 * Firing: a `cron` event (cronName, branch = schedule.branch ?? defaultBranch, sha '' so the run
 * creator pins the branch head right after its own fetch), then the occurrence is recorded by
 * compare-and-set. A crash between the two would fire again on restart; a cron run of that schedule
 * created at or after the occurrence is taken as the one already made, so it does not.
 * A retryable failure (fetch) leaves the occurrence unrecorded and the project rests `refreshMs`; any
 * other failure (branch gone) skips that occurrence with an error in the log.
 *
 * Concurrency: one pass at a time (TickLoop); projects one after another, each in its own try.
 */
export interface CronSchedulerOptions {
  store: Pick<Store, 'projects' | 'runs' | 'state'>;
  repos: RepoMirrors;
  runCreator: CreateRunFromEvent;
  clock: Clock;
  logger: ScheduleLogger;
  /** How often the loop checks for due schedules (default 5 s): cron runs start up to this late. */
  tickIntervalMs?: number;
  /** How often the default branch's pipeline file is looked at again (default 60 s). */
  refreshMs?: number;
}

export interface CronFired {
  projectId: number;
  name: string;
  scheduledFor: number;
  /** Missed occurrences this run stands for (1 = none missed). */
  occurrences: number;
  /** The run created, or null (not triggered, already made, failed). */
  runId: number | null;
}

export type CronScheduler = TickLoop<CronFired[]>;

interface ProjectSchedules {
  repoUrl: string;
  defaultBranch: string;
  /** Head of the default branch the schedules were read at ('' = unknown). */
  sha: string;
  schedules: CronSchedule[];
  /** Every name under on.cron (valid or not), or undefined when the file could not be read: stale keys are dropped only when known. */
  names?: string[];
  checkedAt: number;
}

export const cronStateKey = (projectId: number, name: string): string => `cron:${projectId}:${name}`;

export function createCronScheduler(options: CronSchedulerOptions): CronScheduler {
  const cache = new Map<number, ProjectSchedules>();
  return createTickLoop({
    name: 'cron',
    intervalMs: options.tickIntervalMs ?? 5_000,
    clock: options.clock,
    logger: options.logger,
    pass: async (now) => {
      const projects = await options.store.projects.list();
      const live = new Set(projects.map((p) => p.id));
      for (const id of cache.keys()) if (!live.has(id)) cache.delete(id);
      const fired: CronFired[] = [];
      for (const project of projects) {
        try {
          fired.push(...(await cronProject(options, cache, project, now)));
        } catch (err) {
          options.logger.error({ projectId: project.id, project: project.name, err: toGantryError(err) }, `cron: ${project.name} skipped this pass`);
        }
      }
      return fired;
    },
  });
}

async function cronProject(deps: CronSchedulerOptions, cache: Map<number, ProjectSchedules>, project: Project, now: number): Promise<CronFired[]> {
  const cached = cache.get(project.id);
  const known = cached && cached.repoUrl === project.repoUrl && cached.defaultBranch === project.defaultBranch ? cached : undefined;
  // `now < checkedAt`: the clock went back (tests, or a corrected system clock): look again.
  const fresh = known && now - known.checkedAt < (deps.refreshMs ?? 60_000) && now >= known.checkedAt;
  const entry = fresh ? known : await refresh(deps, project, known, now);
  cache.set(project.id, entry);
  const lastFired = await readLastFired(deps, project, entry, now);
  const fired: CronFired[] = [];
  for (const due of dueCronRuns(entry.schedules, lastFired, now)) {
    const result = await fire(deps, project, due, lastFired[due.name]!);
    if (result === 'retry') {
      entry.checkedAt = now; // rest until the next refresh: the remote is likely down
      break;
    }
    fired.push({ projectId: project.id, name: due.name, scheduledFor: due.scheduledFor, occurrences: due.occurrences, runId: result });
  }
  return fired;
}

/** Sync the mirror, resolve the default branch, and (when its head moved) read the schedules again. */
async function refresh(deps: CronSchedulerOptions, project: Project, previous: ProjectSchedules | undefined, now: number): Promise<ProjectSchedules> {
  const base = { repoUrl: project.repoUrl, defaultBranch: project.defaultBranch, checkedAt: now };
  const log = { projectId: project.id, project: project.name };
  let sha: string | undefined;
  try {
    await deps.repos.sync(project);
    sha = await deps.repos.resolve(project, `refs/heads/${project.defaultBranch}`);
  } catch (err) {
    deps.logger.warn({ ...log, err: toGantryError(err) }, `cron: could not read the default branch of ${project.name}; keeping the schedules known so far`);
    return { ...base, sha: previous?.sha ?? '', schedules: previous?.schedules ?? [], ...(previous?.names && { names: previous.names }) };
  }
  if (sha === undefined) return { ...base, sha: '', schedules: [], names: [] };
  if (previous && previous.sha === sha) return { ...previous, checkedAt: now };
  const lookup = await findPipelineFile(deps.repos, project, sha);
  if (!lookup.found) return { ...base, sha, schedules: [], names: [] };
  const load = loadPipeline(lookup.text, lookup.file);
  if (!load.loaded) {
    const errors = load.diagnostics.filter((d) => d.severity === 'error').slice(0, 5).map(formatDiagnostic);
    deps.logger.warn({ ...log, sha, errors }, `cron: ${lookup.file} of ${project.name} at ${sha.slice(0, 12)} has errors; its schedules are not read until it is fixed`);
    return { ...base, sha, schedules: [] };
  }
  const entries = cronEntries(load.loaded.pipeline);
  const schedules: CronSchedule[] = [];
  for (const schedule of entries) {
    try {
      validateCronSchedule(schedule);
      schedules.push(schedule);
    } catch (err) {
      deps.logger.warn({ ...log, sha, schedule: schedule.name, err: toGantryError(err) }, `cron: schedule '${schedule.name}' of ${project.name} is not valid and does not fire: ${(err as Error).message}`);
    }
  }
  return { ...base, sha, schedules, names: entries.map((s) => s.name) };
}

function cronEntries(pipeline: PipelineFile): CronSchedule[] {
  const on = pipeline.on;
  if (on === undefined || typeof on === 'string' || Array.isArray(on)) return [];
  return (on.cron ?? []).map((c) => ({
    name: c.name,
    schedule: c.schedule,
    ...(c.timezone !== undefined && { timezone: c.timezone }),
    ...(c.branch !== undefined && { branch: c.branch }),
  }));
}

/** lastFired per schedule; a schedule seen for the first time gets `now`, and keys of removed schedules go. */
async function readLastFired(deps: CronSchedulerOptions, project: Project, entry: ProjectSchedules, now: number): Promise<Record<string, number>> {
  const prefix = cronStateKey(project.id, '');
  const stored = await deps.store.state.list<number>(prefix);
  const lastFired: Record<string, number> = {};
  for (const { key, value } of stored) lastFired[key.slice(prefix.length)] = value;
  for (const schedule of entry.schedules) {
    if (lastFired[schedule.name] !== undefined) continue;
    await deps.store.state.compareAndSet(cronStateKey(project.id, schedule.name), undefined, now);
    lastFired[schedule.name] = now;
  }
  if (entry.names) {
    // A schedule removed and later added again must not fire a catch-up for its old life.
    const names = new Set(entry.names);
    for (const name of Object.keys(lastFired)) if (!names.has(name)) await deps.store.state.delete(cronStateKey(project.id, name));
  }
  return lastFired;
}

/** Creates the run for one due occurrence and records it. Returns the run id, null, or 'retry'. */
async function fire(deps: CronSchedulerOptions, project: Project, due: CronDue, last: number): Promise<number | null | 'retry'> {
  const branch = due.branch ?? project.defaultBranch;
  const log = { projectId: project.id, project: project.name, schedule: due.name, branch, scheduledFor: new Date(due.scheduledFor).toISOString(), occurrences: due.occurrences };
  let runId: number | null = null;
  if (await alreadyMade(deps, project.id, due)) {
    deps.logger.info(log, 'cron: this occurrence already has a run (made before a restart); recording it');
  } else {
    try {
      const result = await deps.runCreator(project, { name: 'cron', branch, sha: '', cronName: due.name }, { kind: 'cron', actor: due.name, deliveryId: null });
      if (result.created) {
        runId = result.run.id;
        deps.logger.info({ ...log, runId, run: result.run.number }, `cron: run created for schedule '${due.name}'`);
      } else deps.logger.info({ ...log, reason: result.reason }, `cron: schedule '${due.name}' started no run`);
    } catch (err) {
      const error = toGantryError(err);
      if (error.retryable) {
        deps.logger.warn({ ...log, err: error }, `cron: schedule '${due.name}' could not fire yet (retried later): ${error.message}`);
        return 'retry';
      }
      deps.logger.error({ ...log, err: error }, `cron: schedule '${due.name}' skipped this occurrence: ${error.message}`);
    }
  }
  if (!(await deps.store.state.compareAndSet(cronStateKey(project.id, due.name), last, due.scheduledFor))) {
    deps.logger.warn(log, `cron: schedule '${due.name}' was recorded by someone else meanwhile`);
  }
  return runId;
}

async function alreadyMade(deps: CronSchedulerOptions, projectId: number, due: CronDue): Promise<boolean> {
  const { runs } = await deps.store.runs.list(projectId, { event: 'cron', limit: 20 });
  return runs.some((r) => r.event.cronName === due.name && r.createdAt >= due.scheduledFor);
}
