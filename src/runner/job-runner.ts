import { systemClock, toGantryError } from '../core/index.js';
import { expr, type PlanJob, type PlanStep } from '../pipeline/index.js';
import type { Workspace } from './backend.js';
import { buildScope, evaluateEnvTemplates, jobStatus, shouldRun, type ScopeState } from './expression-scope.js';
import type { JobRunInput, JobRunOutcome, JobRunner, JobRunnerOptions } from './job-types.js';
import { maskText } from './masking/index.js';
import { failStepEarly, systemLog, type AttemptContext, type StepRun } from './attempt-context.js';
import { MAX_TIMER_MS } from './timers.js';
import { runStep } from './step-runner.js';
import { builtinEnv } from './step-env.js';
import { restoreJobFiles, saveJobFiles } from './storage/job-files.js';
import { runBuildStep } from './build-step.js';
import { startJobContainer } from './job-container.js';


/**
 * Runs the steps of one job attempt, in order, on a backend. Structurally a JobExecutor (engine).
 *
 * One attempt, as a state machine in prose: prepare the workspace → evaluate the env → for a job
 * with `image:`, start its container (and services) on the container backend → for each step:
 * evaluate its condition (skipped → `step:finished skipped`), evaluate its env, run it, read the
 * values it wrote to $GANTRY_OUTPUT / $GANTRY_ENV → evaluate job outputs → clean up the workspace
 * (always).
 * A failing step (not continue_on_error) makes `success()` false, so later steps are skipped unless
 * their condition asks for `failure()`/`always()`. When `signal` aborts, the running step is killed
 * (status canceled), later steps run only if their condition uses always()/cancelled(), and the job
 * ends `canceled`. The job's own timeout is a deadline for the whole attempt: it kills the running
 * step (failure, kind timeout) and skips everything after it. A fault of the system (cannot spawn,
 * no workspace, unsupported step) ends the job `error`.
 *
 * Concurrency: `runJob` may be called for several jobs at once; each call has its own state and
 * workspace. Reports are made synchronously and in order.
 */
export function createJobRunner(options: JobRunnerOptions): JobRunner {
  return {
    runJob: (job, input, signal) => runJobAttempt(options, job, input, signal),
  };
}

async function runJobAttempt(runnerOptions: JobRunnerOptions, job: PlanJob, input: JobRunInput, signal: AbortSignal): Promise<JobRunOutcome> {
  const secretValues = Object.values(runnerOptions.secrets);
  const unsupported = checkSupported(job, runnerOptions);
  if (unsupported !== undefined) {
    input.report({ type: 'log', job: job.id, step: unsupported.step, stream: 'system', line: unsupported.reason });
    return { status: 'error', outputs: {}, reason: unsupported.reason };
  }
  const options = optionsForJob(runnerOptions, job);
  let workspace: Workspace;
  try {
    workspace = await options.backend.prepare({
      jobId: job.id,
      ...(job.checkout && options.sourceDir !== undefined ? { sourceDir: options.sourceDir } : {}),
    });
  } catch (err) {
    const reason = maskText(`cannot prepare the workspace: ${toGantryError(err).message}`, secretValues);
    return { status: 'error', outputs: {}, failureKind: 'infrastructure', reason };
  }
  const deadline = new AbortController();
  const stop = new AbortController();
  const onDeadline = (): void => {
    deadline.abort();
    stop.abort();
  };
  // A limit longer than a timer can wait (~24.8 days) is no limit.
  const timer = job.timeoutMs > 0 && job.timeoutMs <= MAX_TIMER_MS ? setTimeout(onDeadline, job.timeoutMs) : undefined;
  const onAbort = (): void => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) stop.abort();
  try {
    return await runSteps({ options, job, input, signal, deadline: deadline.signal, stop: stop.signal, workspace, secretValues });
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    await options.backend.cleanup(workspace).catch(() => undefined);
  }
}

/**
 * A job with `image:` runs on the container backend, and its steps see only the image's environment
 * plus what Gantry and the pipeline set: the agent's own variables (PATH, HOME…) stay outside.
 */
function optionsForJob(options: JobRunnerOptions, job: PlanJob): JobRunnerOptions {
  if (job.image === undefined || options.containers === undefined) return options;
  return { ...options, backend: options.containers, hostEnv: {} };
}

const CONTAINER_HINT =
  'point Gantry at a Docker or Podman socket: DOCKER_HOST=unix:///run/podman/podman.sock (or tcp://HOST:PORT), the server setting dockerHost (GANTRY_DOCKER_HOST), or `gantry agent --backend docker`';

function checkSupported(job: PlanJob, options: JobRunnerOptions): { step: number; reason: string } | undefined {
  const hasServices = job.services !== undefined && Object.keys(job.services).length > 0;
  if (hasServices && job.image === undefined) {
    return { step: 0, reason: `job "${job.id}" has services but no image: service containers join the job's container network, so the job needs \`image:\` too` };
  }
  if (job.image !== undefined && options.containers === undefined) {
    return { step: 0, reason: `job "${job.id}" sets image "${job.image}", but no container engine is configured: ${CONTAINER_HINT}` };
  }
  for (const step of job.steps) {
    if (step.kind === 'run' || step.kind === 'build') continue;
    const what = step.kind === 'uses' ? `plugin steps (uses: ${step.uses ?? '?'})` : `${step.kind} steps`;
    return {
      step: step.index,
      reason: `step "${step.name}": ${what} are not supported yet; this runner runs \`run\` and \`build\` steps`,
    };
  }
  return undefined;
}

async function runSteps(ctx: AttemptContext): Promise<JobRunOutcome> {
  const { options, job, input, workspace } = ctx;
  const state: ScopeState = {
    plan: options.plan,
    job,
    input,
    workspaceDir: workspace.dir,
    secrets: { ...options.secrets },
    env: builtinEnv(options.plan, job, workspace, input.attempt),
    steps: {},
    failed: false,
    cancelled: ctx.signal.aborted,
  };
  const attempt: AttemptResult = { outputs: {} };
  try {
    evaluateEnvTemplates(options.plan.env, state, state.env, 'env');
    evaluateEnvTemplates(job.env, state, state.env, `jobs.${job.key}.env`);
  } catch (err) {
    const reason = maskText(err instanceof Error ? err.message : String(err), ctx.secretValues);
    systemLog(ctx, job.steps[0]?.index ?? 0, reason);
    state.failed = true;
    attempt.failure ??= { kind: 'failure', reason };
  }
  if (job.image !== undefined) {
    const notStarted = await startJobContainer(ctx, state);
    if (notStarted !== undefined) return notStarted;
  }
  await restoreJobFiles(ctx, state);
  for (const step of job.steps) {
    state.cancelled = ctx.signal.aborted;
    const run = await runOneStep(ctx, state, step);
    recordStep(state, attempt, step, run);
  }
  state.cancelled = ctx.signal.aborted;
  const filesFailure = await saveJobFiles(ctx, state);
  if (filesFailure !== undefined) attempt.failure ??= filesFailure;
  evaluateJobOutputs(ctx, state, attempt);
  return finish(ctx, state, attempt);
}

interface AttemptResult {
  outputs: Record<string, string>;
  failure?: { kind: 'failure' | 'timeout' | 'infrastructure'; reason: string };
  error?: string;
}

async function runOneStep(ctx: AttemptContext, state: ScopeState, step: PlanStep): Promise<StepRun> {
  const { job, input } = ctx;
  const clock = ctx.options.clock ?? systemClock;
  if (ctx.deadline.aborted && !ctx.signal.aborted) {
    return skip(ctx, step, 'the job timed out');
  }
  let runs: boolean;
  try {
    runs = shouldRun(step.condition, state);
  } catch (err) {
    const reason = `step condition: ${err instanceof Error ? err.message : String(err)}`;
    return failStepEarly(ctx, step, clock.monotonic(), maskText(reason, ctx.secretValues));
  }
  if (!runs) return skip(ctx, step, state.cancelled ? 'the job was canceled' : 'condition not met');
  input.report({ type: 'step:started', job: job.id, step: step.index, name: step.name });
  if (step.kind === 'build') return runBuildStep(ctx, state, step);
  return runStep(ctx, state, step);
}

function skip(ctx: AttemptContext, step: PlanStep, reason: string): StepRun {
  ctx.input.report({ type: 'step:finished', job: ctx.job.id, step: step.index, name: step.name, status: 'skipped', durationMs: 0, reason });
  return { status: 'skipped', outputs: {}, exported: {} };
}

function recordStep(state: ScopeState, attempt: AttemptResult, step: PlanStep, run: StepRun): void {
  const failedHard = (run.status === 'failure' || run.status === 'error') && !step.continueOnError;
  if (failedHard) {
    state.failed = true;
    attempt.failure ??= { kind: run.failureKind ?? 'failure', reason: `step "${step.name}": ${run.reason ?? run.status}` };
  }
  if (run.status === 'error') attempt.error ??= `step "${step.name}": ${run.reason ?? 'error'}`;
  if (run.status === 'skipped') {
    if (step.id !== undefined) state.steps[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
    return;
  }
  Object.assign(state.env, run.exported);
  Object.assign(attempt.outputs, run.outputs);
  if (step.id !== undefined) {
    const conclusion = step.continueOnError && run.status === 'failure' ? 'success' : run.status;
    state.steps[step.id] = { outputs: { ...run.outputs }, outcome: run.status, conclusion };
  }
}

function evaluateJobOutputs(ctx: AttemptContext, state: ScopeState, attempt: AttemptResult): void {
  const scope = buildScope(state);
  for (const [name, template] of Object.entries(ctx.job.outputs)) {
    try {
      attempt.outputs[name] = expr.evaluateTemplate(template, scope);
    } catch (err) {
      const line = `job output ${name}: ${err instanceof Error ? err.message : String(err)}`;
      systemLog(ctx, ctx.job.steps.at(-1)?.index ?? 0, maskText(line, ctx.secretValues));
    }
  }
  for (const [name, value] of Object.entries(attempt.outputs)) attempt.outputs[name] = maskText(value, ctx.secretValues);
}

function finish(ctx: AttemptContext, state: ScopeState, attempt: AttemptResult): JobRunOutcome {
  const outputs = attempt.outputs;
  if (ctx.signal.aborted) return { status: 'canceled', outputs, reason: 'canceled' };
  if (attempt.error !== undefined) return { status: 'error', outputs, failureKind: 'infrastructure', reason: attempt.error };
  if (state.failed || attempt.failure !== undefined) {
    const failure = attempt.failure ?? { kind: 'failure' as const, reason: `job status ${jobStatus(state)}` };
    return { status: 'failure', outputs, failureKind: failure.kind, reason: failure.reason };
  }
  return { status: 'success', outputs };
}
