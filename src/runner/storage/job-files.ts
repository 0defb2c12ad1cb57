import { lstat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { expr, type ArtifactsWhen, type PlanCache } from '../../pipeline/index.js';
import { systemLog, type AttemptContext } from '../attempt-context.js';
import { buildScope, type ScopeState } from '../expression-scope.js';
import { maskText } from '../masking/index.js';
import { pack, unpack } from './archive.js';
import { counted, explain } from './transfer.js';
import type { JobStorage } from './job-storage.js';

/*
 * The runner side of `cache:` and `artifacts:`. Before the first step (the workspace, with its
 * checkout, is ready, so `hashFiles` sees the files) each cache key is evaluated and the best entry
 * unpacked into the workspace, then the artifacts of the jobs this one needs. After the last step
 * caches without an exact hit are saved and artifacts uploaded — both only when the job succeeded
 * (a failed job's files are suspect: half a node_modules must not become everyone's cache).
 *
 * Failures: anything going wrong while restoring is a warning line and the job runs without those
 * files (a cache is an optimisation; a missing artifact shows up in the step that needs it). A
 * cache that cannot be saved is a warning too. An artifact that cannot be uploaded fails the job as
 * `infrastructure` (retry may help), since later jobs and people expect it. Cancel aborts transfers.
 */

/** What restore learned that save needs, per attempt. */
interface AttemptFiles {
  storage: JobStorage;
  caches: { key: string; paths: string[]; exactHit: boolean }[];
}

const attempts = new WeakMap<AttemptContext, AttemptFiles>();

/** Longest cache key accepted (keys are stored, listed and shown in logs). */
export const MAX_CACHE_KEY_LENGTH = 512;

/** Why a saveJobFiles ended the job: the job runner records it as the attempt's failure. */
export interface JobFilesFailure {
  kind: 'failure' | 'timeout' | 'infrastructure';
  reason: string;
}

/** Before the first step: restore `cache:` entries and unpack the artifacts of the jobs this one needs. */
export async function restoreJobFiles(ctx: AttemptContext, state: ScopeState): Promise<void> {
  const { job } = ctx;
  const step = job.steps[0]?.index ?? 0;
  const usesFiles = (job.cache?.length ?? 0) > 0 || job.artifacts !== undefined;
  if (ctx.options.storage === undefined) {
    if (usesFiles) log(ctx, step, 'cache and artifacts skipped: this runner has no storage configured');
    return;
  }
  if ((!usesFiles && job.needs.length === 0) || state.failed || ctx.stop.aborted) return;
  const files: AttemptFiles = { storage: ctx.options.storage(job.id), caches: [] };
  attempts.set(ctx, files);
  for (const [index, cache] of (job.cache ?? []).entries()) {
    const planned = planCache(ctx, state, cache, index, step);
    if (planned === undefined) continue;
    files.caches.push(planned.entry);
    await restoreCache(ctx, files.storage, planned.entry, planned.fallbacks, step);
  }
  if (job.needs.length > 0) await restoreArtifacts(ctx, files.storage, step);
}

/**
 * After the last step: save `cache:` entries (on success only) and upload `artifacts:` (as their
 * `when` says). Returns the failure to record when an artifact could not be uploaded (and marks the
 * job failed).
 */
export async function saveJobFiles(ctx: AttemptContext, state: ScopeState): Promise<JobFilesFailure | undefined> {
  const files = attempts.get(ctx);
  attempts.delete(ctx);
  if (files === undefined) return undefined;
  const step = ctx.job.steps.at(-1)?.index ?? 0;
  const succeeded = !state.failed && !state.cancelled && !ctx.stop.aborted;
  for (const cache of files.caches) {
    if (cache.exactHit) continue;
    if (!succeeded) log(ctx, step, `cache ${cache.key}: not saved, the job did not succeed`);
    else await saveCache(ctx, files.storage, cache, step);
  }
  const artifacts = ctx.job.artifacts;
  if (artifacts === undefined) return undefined;
  const skipped = artifactsSkipped(artifacts.when ?? 'on_success', succeeded, state.cancelled || ctx.stop.aborted);
  if (skipped !== undefined) {
    log(ctx, step, `artifacts not uploaded: ${skipped}`);
    return undefined;
  }
  const failure = await uploadArtifact(ctx, state, files.storage, step);
  if (failure !== undefined) state.failed = true;
  return failure;
}

function planCache(ctx: AttemptContext, state: ScopeState, cache: PlanCache, index: number, step: number): { entry: AttemptFiles['caches'][number]; fallbacks: string[] } | undefined {
  const label = `cache[${index}]`;
  try {
    const scope = buildScope(state);
    const key = expr.evaluateTemplate(cache.key, scope);
    const problem = keyProblem(ctx, key);
    if (problem !== undefined) {
      log(ctx, step, `warning: ${label}: key ${problem}; this cache is skipped`);
      return undefined;
    }
    const fallbacks: string[] = [];
    for (const template of cache.fallbackKeys) {
      const fallback = expr.evaluateTemplate(template, scope);
      const fallbackProblem = keyProblem(ctx, fallback);
      if (fallbackProblem === undefined) fallbacks.push(fallback);
      else log(ctx, step, `warning: ${label}: fallback key ${fallbackProblem}; it is not tried`);
    }
    const paths = cache.paths.map((p) => expr.evaluateTemplate(p, scope));
    return { entry: { key, paths, exactHit: false }, fallbacks };
  } catch (err) {
    log(ctx, step, `warning: ${label}: ${err instanceof Error ? err.message : String(err)}; this cache is skipped`);
    return undefined;
  }
}

function keyProblem(ctx: AttemptContext, key: string): string | undefined {
  if (key === '') return 'is empty';
  if (key.length > MAX_CACHE_KEY_LENGTH) return `is longer than ${MAX_CACHE_KEY_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) return 'contains control characters';
  // Keys are stored in plain text and shown in logs and the UI: a secret has no place in one.
  if (maskText(key, ctx.secretValues) !== key) return 'contains a secret';
  return undefined;
}

async function restoreCache(ctx: AttemptContext, storage: JobStorage, cache: AttemptFiles['caches'][number], fallbacks: string[], step: number): Promise<void> {
  // A cache never overwrites what the workspace has: with `gantry exec` the workspace is the
  // developer's own checkout (their node_modules, say). Such an entry is neither restored nor saved.
  const present = await firstPresent(ctx.workspace.dir, cache.paths);
  if (present !== undefined) {
    cache.exactHit = true;
    log(ctx, step, `cache ${cache.key}: not restored: ${present} is already in the workspace (a cache never overwrites files)`);
    return;
  }
  try {
    const found = await storage.restoreCache(cache.key, fallbacks, ctx.stop);
    if (found === undefined) {
      log(ctx, step, `cache ${cache.key}: miss`);
      return;
    }
    const result = await unpack(found.archive, ctx.workspace.dir, ctx.stop);
    cache.exactHit = found.key === cache.key;
    log(ctx, step, `cache ${cache.key}: restored from ${found.key} (${result.bytes} bytes)`);
  } catch (err) {
    if (ctx.stop.aborted) return;
    log(ctx, step, `warning: cache ${cache.key}: not restored, the job runs without it: ${explain(err)}`);
  }
}

/** The first of the literal (glob-free) paths that exists in the workspace. */
async function firstPresent(root: string, paths: readonly string[]): Promise<string | undefined> {
  for (const path of paths) {
    if (/[*?[\]{}!]/.test(path)) continue;
    if (await lstat(resolve(root, path)).then(() => true, () => false)) return path;
  }
  return undefined;
}

async function restoreArtifacts(ctx: AttemptContext, storage: JobStorage, step: number): Promise<void> {
  let found;
  try {
    found = await storage.artifactsOf(ctx.job.needs, ctx.stop);
  } catch (err) {
    if (!ctx.stop.aborted) log(ctx, step, `warning: the artifacts of ${ctx.job.needs.join(', ')} could not be listed: ${explain(err)}`);
    return;
  }
  for (const artifact of found) {
    try {
      await unpack(await artifact.open(ctx.stop), ctx.workspace.dir, ctx.stop);
      log(ctx, step, `artifact ${artifact.name} from ${artifact.jobId}: ${artifact.sizeBytes} bytes`);
    } catch (err) {
      if (ctx.stop.aborted) return;
      log(ctx, step, `warning: artifact ${artifact.name} from ${artifact.jobId}: not unpacked: ${explain(err)}`);
    }
  }
}

async function saveCache(ctx: AttemptContext, storage: JobStorage, cache: AttemptFiles['caches'][number], step: number): Promise<void> {
  try {
    const packed = await pack(ctx.workspace.dir, cache.paths);
    for (const r of packed.refused) log(ctx, step, `warning: cache ${cache.key}: path ${r.pattern} refused: ${r.reason}`);
    for (const p of packed.unmatched) log(ctx, step, `warning: cache ${cache.key}: path ${p} matches nothing`);
    if (packed.archive === undefined) {
      log(ctx, step, `warning: cache ${cache.key}: nothing to save`);
      return;
    }
    const transfer = counted(packed.archive);
    const saved = await storage.saveCache(cache.key, transfer.stream, ctx.stop).finally(() => transfer.stream.destroy());
    log(ctx, step, saved ? `cache ${cache.key}: saved (${transfer.bytes()} bytes)` : `cache ${cache.key}: not saved, another job saved this key first`);
  } catch (err) {
    if (!ctx.stop.aborted) log(ctx, step, `warning: cache ${cache.key}: not saved: ${explain(err)}`);
  }
}

/** Why `artifacts:` are not uploaded after this result, or undefined when they are. */
function artifactsSkipped(when: ArtifactsWhen, succeeded: boolean, stopped: boolean): string | undefined {
  // A canceled or timed-out job is being stopped: nothing more runs for it, uploads included.
  if (stopped) return 'the job was stopped (canceled or timed out)';
  if (succeeded && when === 'on_failure') return 'they are kept only when the job fails (when: on_failure)';
  if (!succeeded && when === 'on_success') return 'they are kept only when the job succeeds (when: on_failure or always keeps them from a failed job)';
  return undefined;
}

async function uploadArtifact(ctx: AttemptContext, state: ScopeState, storage: JobStorage, step: number): Promise<JobFilesFailure | undefined> {
  const artifacts = ctx.job.artifacts!;
  let name = artifacts.name;
  let packed;
  try {
    const scope = buildScope(state);
    name = expr.evaluateTemplate(artifacts.name, scope);
    packed = await pack(ctx.workspace.dir, artifacts.paths.map((p) => expr.evaluateTemplate(p, scope)));
  } catch (err) {
    return fail(ctx, step, 'failure', `artifact ${name}: ${explain(err)}`);
  }
  for (const r of packed.refused) log(ctx, step, `warning: artifact ${name}: path ${r.pattern} refused: ${r.reason}`);
  for (const p of packed.unmatched) log(ctx, step, `warning: artifact ${name}: path ${p} matches nothing`);
  if (packed.archive === undefined) {
    log(ctx, step, `warning: artifact ${name}: no files matched, nothing uploaded`);
    return undefined;
  }
  const transfer = counted(packed.archive);
  try {
    await storage.uploadArtifact(name, transfer.stream, artifacts.retentionMs, ctx.stop);
    log(ctx, step, `artifact ${name}: uploaded (${transfer.bytes()} bytes)`);
    return undefined;
  } catch (err) {
    // The contract says a failed upload destroys the archive; a store that forgot must not keep files open.
    transfer.stream.destroy();
    if (ctx.signal.aborted) return undefined;
    if (ctx.deadline.aborted) return fail(ctx, step, 'timeout', `artifact ${name}: the job timed out during the upload`);
    // A file that could not be read is the job's problem; a store that did not take it is ours.
    return fail(ctx, step, transfer.sourceFailed() ? 'failure' : 'infrastructure', `artifact ${name}: upload failed: ${explain(err)}`);
  }
}

function fail(ctx: AttemptContext, step: number, kind: JobFilesFailure['kind'], reason: string): JobFilesFailure {
  const masked = maskText(reason, ctx.secretValues);
  systemLog(ctx, step, masked);
  return { kind, reason: masked };
}

/** System lines may carry evaluated templates and error messages: masked like everything else. */
function log(ctx: AttemptContext, step: number, line: string): void {
  systemLog(ctx, step, maskText(line, ctx.secretValues));
}
