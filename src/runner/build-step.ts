import { systemClock, toGantryError } from '../core/index.js';
import { expr, type PlanStep } from '../pipeline/index.js';
import { reportStepFinished, systemLog, type AttemptContext, type StepRun } from './attempt-context.js';
import { BuildPathError, resolveBuildPaths, type BuildPaths } from './docker/build-context-paths.js';
import { parseImageTag } from './docker/image-build-reference.js';
import { JOB_LABEL } from './docker/labels.js';
import { buildScope, evaluateEnvTemplates, TemplateError, type ScopeState } from './expression-scope.js';
import type { ImageBuildRequest, ImageBuildResult } from './image-builder.js';
import { createMasker, maskText } from './masking/index.js';
import { formatLimit } from './step-runner.js';
import { MAX_TIMER_MS } from './timers.js';

const NO_ENGINE_REASON =
  'build steps need a container engine: point Gantry at a Docker or Podman socket: DOCKER_HOST=unix:///run/podman/podman.sock (or tcp://HOST:PORT), the server setting dockerHost (GANTRY_DOCKER_HOST), or `gantry agent --backend docker`';

/** The `build:` map of a step after its templates are evaluated. */
interface BuildSpec {
  context?: string;
  file?: string;
  tags: string[];
  push: boolean;
  buildArgs: Record<string, string>;
  target?: string;
  labels: Record<string, string>;
  credentials?: { username: string; password: string };
}

/** A problem of the step as written (bad template, path, tag): the step fails, nothing is built. */
class BuildSpecError extends Error {}

/**
 * Runs a `build:` step whose condition held and whose `step:started` was reported: evaluates its
 * templates (step `env` first, visible to the rest as `env.*`), checks its paths and tags, builds
 * through the ImageBuilder (and pushes when `push: true`) and reports `step:finished` with the
 * outputs `image_id`, `digest` (pushed manifest) and `image` (first tag, `@digest` when pushed).
 * Every log line and reason is masked, the registry password included even when it is written
 * out in the pipeline. The step's timeout and the job's stop signal abort the build.
 */
export async function runBuildStep(ctx: AttemptContext, state: ScopeState, step: PlanStep): Promise<StepRun> {
  const clock = ctx.options.clock ?? systemClock;
  const started = clock.monotonic();
  const builder = ctx.options.imageBuilder;
  if (builder === undefined) return finish(ctx, step, started, ctx.secretValues, errorRun(NO_ENGINE_REASON), true);
  let spec: BuildSpec;
  let secrets = ctx.secretValues;
  try {
    spec = evaluateBuildSpec(step, state);
    if (spec.credentials !== undefined) secrets = [...secrets, spec.credentials.password];
    spec.tags = checkTags(spec, (line) => systemLog(ctx, step.index, maskText(line, secrets)));
  } catch (err) {
    if (!(err instanceof TemplateError || err instanceof BuildSpecError)) throw err;
    return finish(ctx, step, started, secrets, failureRun(err.message), true);
  }
  let paths: BuildPaths;
  try {
    paths = await resolveBuildPaths(ctx.workspace.dir, spec.context, spec.file);
  } catch (err) {
    if (!(err instanceof BuildPathError)) throw err;
    return finish(ctx, step, started, secrets, failureRun(err.message), true);
  }
  const masker = createMasker(secrets);
  const stop = stepSignal(ctx, state, step);
  try {
    const request: ImageBuildRequest = {
      ...paths,
      tags: spec.tags,
      buildArgs: spec.buildArgs,
      labels: { ...gantryLabels(ctx, state), ...spec.labels },
      push: spec.push,
      ...(spec.target !== undefined ? { target: spec.target } : {}),
      ...(spec.credentials !== undefined ? { credentials: spec.credentials } : {}),
      signal: stop.signal,
      onLine: (stream, line) => ctx.input.report({ type: 'log', job: ctx.job.id, step: step.index, stream, line: masker.push(line) + masker.flush() }),
    };
    const result = await builder.build(request);
    if (result.outcome === 'failed') return finish(ctx, step, started, secrets, failureRun(result.reason), true);
    if (result.outcome === 'canceled') return finish(ctx, step, started, secrets, stop.stopped(), true);
    return finish(ctx, step, started, secrets, { status: 'success', outputs: outputsOf(spec.tags, result), exported: {} }, false);
  } catch (err) {
    const reason = stop.signal.aborted ? undefined : `the container engine failed: ${toGantryError(err).message}`;
    return finish(ctx, step, started, secrets, reason === undefined ? stop.stopped() : errorRun(reason), true);
  } finally {
    stop.dispose();
  }
}

/** `image_id`; `digest` when pushed; `image`: the first tag, pinned to the digest when pushed. */
function outputsOf(tags: string[], result: Extract<ImageBuildResult, { outcome: 'built' }>): Record<string, string> {
  const outputs: Record<string, string> = { image_id: result.imageId };
  if (result.digest !== undefined) outputs.digest = result.digest;
  const first = tags[0];
  if (first !== undefined) outputs.image = result.digest !== undefined ? `${first.slice(0, first.lastIndexOf(':'))}@${result.digest}` : first;
  return outputs;
}

function evaluateBuildSpec(step: PlanStep, state: ScopeState): BuildSpec {
  const stepEnv: Record<string, string> = {};
  evaluateEnvTemplates(step.env, state, stepEnv, `steps[${step.index}].env`);
  const label = `steps[${step.index}].build`;
  let scope: expr.Scope | undefined;
  const evaluate = (value: unknown, path: string): string => {
    const text = typeof value === 'string' ? value : String(value);
    if (!text.includes('${{')) return text;
    scope ??= buildScope({ ...state, env: { ...state.env, ...stepEnv } });
    try {
      return expr.evaluateTemplate(text, scope);
    } catch (err) {
      throw new TemplateError(`${label}.${path}: ${err instanceof Error ? err.message : String(err)}`, err);
    }
  };
  const map = (value: unknown, path: string): Record<string, string> =>
    Object.fromEntries(Object.entries((value ?? {}) as Record<string, unknown>).map(([key, v]) => [key, evaluate(v, `${path}.${key}`)]));
  const build = step.with ?? {};
  const spec: BuildSpec = {
    tags: ((build.tags ?? []) as unknown[]).map((tag, i) => evaluate(tag, `tags[${i}]`).trim()),
    push: build.push === true,
    buildArgs: map(build.build_args, 'build_args'),
    labels: map(build.labels, 'labels'),
  };
  if (build.context !== undefined) spec.context = evaluate(build.context, 'context');
  if (build.file !== undefined) spec.file = evaluate(build.file, 'file');
  if (build.target !== undefined) spec.target = evaluate(build.target, 'target');
  if (build.credentials !== undefined) {
    const { username, password } = build.credentials as { username: unknown; password: unknown };
    spec.credentials = { username: evaluate(username, 'credentials.username'), password: evaluate(password, 'credentials.password') };
  }
  return spec;
}

/** Valid, distinct tags; branch names made valid as tags, with a line saying so. */
function checkTags(spec: BuildSpec, notice: (line: string) => void): string[] {
  if (spec.push && spec.tags.length === 0) throw new BuildSpecError('push: true needs at least one tag to push (tags: ["registry.example.com/app:${{ git.sha_short }}"])');
  const tags: string[] = [];
  for (const text of spec.tags) {
    const parsed = parseImageTag(text);
    if (!parsed.ok) throw new BuildSpecError(parsed.message);
    const tag = `${parsed.reference.repository}:${parsed.reference.tag}`;
    if (parsed.sanitized !== undefined) notice(`tag ${JSON.stringify(text)} is used as ${JSON.stringify(tag)} (a tag allows only letters, digits, _ . -)`);
    if (!tags.includes(tag)) tags.push(tag);
  }
  return tags;
}

/** Labels every image Gantry builds carries; the step's own `labels` win over them. */
function gantryLabels(ctx: AttemptContext, state: ScopeState): Record<string, string> {
  const git = state.plan.context.git;
  return {
    'org.opencontainers.image.revision': git.sha,
    [JOB_LABEL]: ctx.job.id,
    ...(git.repository !== '' ? { 'gantry.repository': git.repository } : {}),
  };
}

interface StepSignal {
  signal: AbortSignal;
  /** How the step ended when the build was aborted: a timeout (step's or job's) or a cancel. */
  stopped(): StepRun;
  dispose(): void;
}

/** Aborts on the job's stop signal (its deadline only, after a cancel) or the step's own timeout. */
function stepSignal(ctx: AttemptContext, state: ScopeState, step: PlanStep): StepSignal {
  const controller = new AbortController();
  const parent = state.cancelled ? ctx.deadline : ctx.stop;
  let timedOut = false;
  const onAbort = (): void => controller.abort();
  parent.addEventListener('abort', onAbort, { once: true });
  if (parent.aborted) controller.abort();
  const limit = step.timeoutMs;
  const timer =
    limit !== undefined && limit > 0 && limit <= MAX_TIMER_MS
      ? setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, limit)
      : undefined;
  return {
    signal: controller.signal,
    stopped: () => {
      if (timedOut) return timeoutRun(`timed out after ${formatLimit(limit ?? 0)}`);
      if (ctx.deadline.aborted && !ctx.signal.aborted) return timeoutRun(`timed out after ${formatLimit(ctx.job.timeoutMs)} (the job's timeout)`);
      return { status: 'canceled', outputs: {}, exported: {}, reason: 'canceled' };
    },
    dispose: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', onAbort);
    },
  };
}

function failureRun(reason: string): StepRun {
  return { status: 'failure', outputs: {}, exported: {}, failureKind: 'failure', reason };
}

function timeoutRun(reason: string): StepRun {
  return { status: 'failure', outputs: {}, exported: {}, failureKind: 'timeout', reason };
}

function errorRun(reason: string): StepRun {
  return { status: 'error', outputs: {}, exported: {}, failureKind: 'infrastructure', reason };
}

/** Masks the reason (and, when `log`, writes it as a system line), then reports `step:finished`. */
function finish(ctx: AttemptContext, step: PlanStep, started: number, secrets: readonly string[], run: StepRun, log: boolean): StepRun {
  if (run.reason !== undefined) run.reason = maskText(run.reason, secrets);
  if (log && run.reason !== undefined) {
    // The same lines a run step writes when it is stopped.
    const line = run.status === 'canceled' ? 'step canceled' : run.failureKind === 'timeout' ? `step ${run.reason}` : run.reason;
    systemLog(ctx, step.index, line);
  }
  return reportStepFinished(ctx, step, started, run);
}
