import { formatDiagnostic, GantryError, sortDiagnostics, type Clock, type Diagnostic } from '../../core/index.js';
import { compilePipeline, loadPipeline, type GitEvent, type Plan } from '../../pipeline/index.js';
import type { Project, Run, RunTrigger, Store } from '../../store/index.js';
import { assertRefName, isFullSha, redactCredentials, type RepoMirrors } from '../repos/index.js';
import { findPipelineFile, type PipelineFileLookup } from './pipeline-file.js';
import { createSamePushGuard } from './same-push.js';

export interface CreateRunDeps {
  store: Pick<Store, 'runs'>;
  repos: RepoMirrors;
  clock: Clock;
}

export interface CreateRunOptions {
  /** The ref's previous commit from the ref update (push), for `paths` filters when the event has no file list. */
  before?: string;
  /**
   * The caller synced the mirror and pinned `event.sha` a moment ago (a manual trigger checks its
   * inputs at the pinned commit first); skip the second fetch.
   */
  alreadySynced?: boolean;
  /**
   * The pipeline file at `event.sha` as the caller already read it (the manual trigger's input
   * check): not read again. Only meaningful with a pinned `event.sha`.
   */
  pipelineFile?: PipelineFileLookup;
  /**
   * A person asked for this very run (a delivery replay through the API): a push already built
   * still makes a run, so the same-push guard does not apply.
   */
  explicit?: boolean;
}

export type CreateRunResult = { created: true; run: Run } | { created: false; reason: string };

export type CreateRunFromEvent = (
  project: Project,
  event: GitEvent,
  trigger: RunTrigger,
  options?: CreateRunOptions,
) => Promise<CreateRunResult>;

/** How many diagnostics an `error` run's reason shows (the rest are counted). */
export const MAX_REASON_DIAGNOSTICS = 5;

/**
 * Turns an event into a stored run: sync the project's mirror, pin the commit, fill what the event
 * lacks from git (message, author, changed files), read and compile the pipeline file AT THAT COMMIT.
 *
 * Outcomes:
 * - the event does not match `on` → no run: `{ created: false, reason }` (the caller records the
 *   delivery as ignored);
 * - no pipeline file, several, compile errors, or a pushed commit missing from the repository → a
 *   run with status `error` and a readable reason (diagnostics as the CLI prints them): the push is
 *   not lost, the user sees why;
 * - otherwise a `queued` run with its plan; its jobs are recorded right after it (`skipped` with the
 *   compile-time reason, else `queued`). When every job is skipped the run itself is `skipped`.
 *
 * Throws (nothing stored): GIT_FETCH_FAILED (retryable: the caller may retry the delivery),
 * GIT_BAD_REF (event sha/branch/tag not valid for git), GIT_UNKNOWN_REF (manual/api/cron event
 * naming a branch or tag that does not exist), store errors.
 * Idempotency: a push or tag whose commit a recent run of the same ref already built makes no run,
 * however it arrived (webhook, poll; see same-push.ts); otherwise every call that creates a run
 * creates a NEW run, so a manual re-trigger gets the next number. Redeliveries are the caller's
 * (delivery ids). Concurrent calls for one project share mirror fetches.
 */
export function createRunFromEvent(deps: CreateRunDeps): CreateRunFromEvent {
  const samePush = createSamePushGuard(deps.store.runs);
  const create: CreateRunFromEvent = async (project, event, trigger, options = {}) => {
    // A commit already in the mirror (a webhook for something fetched before, a redelivery) needs
    // no network: the event names the exact commit to build.
    if (!options.alreadySynced && !(await deps.repos.hasCommit(project, event.sha))) await deps.repos.sync(project);
    const pinned = await pinCommit(deps.repos, project, event);
    if ('missing' in pinned) return storeError(deps, project, pinned.event, trigger, pinned.missing);

    const enriched = await enrichEvent(deps.repos, project, pinned.event, options);

    const given = options.pipelineFile;
    const lookup = given && event.sha === enriched.sha ? given : await findPipelineFile(deps.repos, project, enriched.sha);
    if (!lookup.found) return storeError(deps, project, enriched, trigger, lookup.reason);
    const compiled = compile(lookup.text, lookup.file, enriched);
    if ('errors' in compiled) return storeError(deps, project, enriched, trigger, compileReason(lookup.file, compiled.errors));
    const plan = compiled.plan;
    if (!plan.trigger.matched) return { created: false, reason: plan.trigger.reason };
    return { created: true, run: await storePlan(deps, project, enriched, trigger, plan) };
  };
  return (project, event, trigger, options) =>
    options?.explicit ? create(project, event, trigger, options) : samePush.once(project, event, () => create(project, event, trigger, options));
}

type Pinned = { event: GitEvent } | { event: GitEvent; missing: string };

/** The exact commit to build: the event's sha (checked to exist), else the head of its branch or tag. */
async function pinCommit(repos: RepoMirrors, project: Project, event: GitEvent): Promise<Pinned> {
  if (event.sha !== '') {
    if (!isFullSha(event.sha)) {
      throw new GantryError('GIT_BAD_REF', `not a full commit id: ${JSON.stringify(event.sha.slice(0, 80))}`, { details: { sha: event.sha.slice(0, 80) } });
    }
    if ((await repos.resolve(project, event.sha)) !== undefined) return { event };
    const missing =
      `commit ${event.sha} is not in the repository ${redactCredentials(project.repoUrl)} ` +
      '(it was force-pushed away before Gantry fetched, or pushed somewhere else)';
    return { event, missing };
  }
  const named = event.tag ? { ...event } : { ...event, branch: event.branch || project.defaultBranch };
  // The short name itself must be a valid name (git refuses branches starting with `-`, for one).
  assertRefName(named.tag || named.branch || '');
  const ref = named.tag ? `refs/tags/${named.tag}` : `refs/heads/${named.branch}`;
  const sha = await repos.resolve(project, ref);
  if (sha === undefined) {
    const what = named.tag ? `tag '${named.tag}'` : `branch '${named.branch}'`;
    throw new GantryError('GIT_UNKNOWN_REF', `${what} does not exist in the repository of project ${project.name}`, { details: { ref } });
  }
  return { event: { ...named, sha } };
}

/** Post-receive and generic deliveries (and manual runs) carry only refs: the rest comes from git. */
async function enrichEvent(
  repos: RepoMirrors,
  project: Project,
  event: GitEvent,
  options: CreateRunOptions,
): Promise<GitEvent> {
  const out: GitEvent = { ...event };
  if (!out.message || !out.author) {
    const info = await repos.commitInfo(project, out.sha);
    if (!out.message) out.message = info.message;
    if (!out.author) out.author = info.author;
  }
  if (!out.repository) out.repository = project.name;
  // Only `on.push/pull_request.paths(_ignore)` use changed files, but the stored event keeps them
  // for every push that has a "before" (the poller's tests and run details rely on it): one diff.
  if (out.changedFiles === undefined && options.before !== undefined) {
    const changed = await repos.changedFiles(project, options.before, out.sha);
    if (changed !== undefined) out.changedFiles = changed;
  }
  return out;
}

function compile(text: string, file: string, event: GitEvent): { plan: Plan } | { errors: Diagnostic[] } {
  const load = loadPipeline(text, file);
  if (!load.loaded) return { errors: errorsOf(load.diagnostics) };
  const compiled = compilePipeline(load.loaded, event);
  if (!compiled.plan) return { errors: errorsOf(compiled.diagnostics) };
  return { plan: compiled.plan };
}

function errorsOf(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  return sortDiagnostics(errors.length > 0 ? errors : diagnostics);
}

/** `FILE:LINE:COL: error CODE message` lines, like `gantry lint`, the first few of them. */
export function compileReason(file: string, errors: readonly Diagnostic[]): string {
  const shown = errors.slice(0, MAX_REASON_DIAGNOSTICS).map(formatDiagnostic);
  const more = errors.length - shown.length;
  const count = `${errors.length} error${errors.length === 1 ? '' : 's'}`;
  return [`${file} has ${count}:`, ...shown, ...(more > 0 ? [`… and ${more} more`] : [])].join('\n');
}

async function storeError(deps: CreateRunDeps, project: Project, event: GitEvent, trigger: RunTrigger, reason: string): Promise<CreateRunResult> {
  const run = await deps.store.runs.create({ projectId: project.id, event, trigger, plan: null, status: 'error', reason });
  return { created: true, run };
}

async function storePlan(deps: CreateRunDeps, project: Project, event: GitEvent, trigger: RunTrigger, plan: Plan): Promise<Run> {
  const allSkipped = plan.jobs.length > 0 && plan.jobs.every((job) => job.skip !== undefined);
  const empty = plan.jobs.length === 0;
  const run = await deps.store.runs.create({
    projectId: project.id,
    event,
    trigger,
    plan,
    status: allSkipped || empty ? 'skipped' : 'queued',
    reason: empty ? 'the pipeline has no jobs' : allSkipped ? 'every job was skipped (see each job for why)' : null,
  });
  const now = deps.clock.now();
  for (const job of plan.jobs) {
    await deps.store.runs.upsertJob({
      runId: run.id,
      jobId: job.id,
      name: job.name,
      status: job.skip ? 'skipped' : 'queued',
      reason: job.skip?.reason ?? null,
      queuedAt: job.skip ? null : now,
    });
  }
  return run;
}
