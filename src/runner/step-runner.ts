import { readdirSync, writeFileSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { basename, isAbsolute, posix, relative, resolve, sep } from 'node:path';
import { systemClock, toGantryError } from '../core/index.js';
import type { PlanStep } from '../pipeline/index.js';
import { failStepEarly, reportStepFinished, systemLog, type AttemptContext, type StepRun } from './attempt-context.js';
import type { ExecResult, Workspace } from './backend.js';
import { evaluateEnvTemplates, TemplateError, type ScopeState } from './expression-scope.js';
import { maskText } from './masking/index.js';
import { readKeyValueFile } from './output-files.js';
import { runStepProcess } from './step-process.js';
import { shellArgv, stepFiles } from './step-env.js';

const DEFAULT_SHELL = ['bash', '--noprofile', '--norc', '-eo', 'pipefail', '{0}'];

/**
 * In a container the default shell falls back to `sh -e` when the image has no bash (busybox,
 * alpine). The script path arrives as "$1", never spliced into this text.
 */
const CONTAINER_DEFAULT_SHELL = [
  'sh',
  '-c',
  'if command -v bash >/dev/null 2>&1; then exec bash --noprofile --norc -eo pipefail "$1"; fi; exec sh -e "$1"',
  'sh',
  '{0}',
];

/**
 * Runs one `run` step whose condition held and whose `step:started` was reported: evaluates its
 * env, checks its working directory, writes its script and fresh $GANTRY_OUTPUT/$GANTRY_ENV files,
 * runs it, reads the files back and reports `step:finished`. Nothing the step prints changes the
 * run; only the files do.
 */
export async function runStep(ctx: AttemptContext, state: ScopeState, step: PlanStep): Promise<StepRun> {
  const clock = ctx.options.clock ?? systemClock;
  const started = clock.monotonic();
  const stepEnv: Record<string, string> = {};
  let cwd: string;
  try {
    evaluateEnvTemplates(step.env, state, stepEnv, `steps[${step.index}].env`);
    cwd = await workingDirectory(ctx.workspace.dir, step.workingDirectory);
  } catch (err) {
    if (!(err instanceof TemplateError || err instanceof WorkingDirectoryError)) throw err;
    return failStepEarly(ctx, step, started, maskText(err.message, ctx.secretValues));
  }
  const { host: files, guest } = stepFiles(ctx.workspace, step.index);
  // hostEnv is empty for a container job: the agent's environment is not the image's.
  const env = { ...ctx.options.hostEnv, ...state.env, ...stepEnv, GANTRY_OUTPUT: guest.output, GANTRY_ENV: guest.env };
  let result: ExecResult;
  try {
    // The output/env files are not pre-created: `>>` creates them, and a missing one reads as empty.
    // Sync on purpose: a tiny local file; a thread-pool round trip per step costs more (bench:exec).
    writeFileSync(files.script, step.script ?? '');
    result = await runStepProcess({
      backend: ctx.options.backend,
      workspace: ctx.workspace,
      argv: shellArgv(shellFor(ctx.workspace, step.shell), guest.script),
      env,
      cwd: guestPath(ctx.workspace, cwd),
      ...(step.timeoutMs !== undefined ? { timeoutMs: step.timeoutMs } : {}),
      ...(ctx.options.killGraceMs !== undefined ? { killGraceMs: ctx.options.killGraceMs } : {}),
      // After a cancel only always()/cancelled() steps run; they must not be killed by that same signal.
      signal: state.cancelled ? ctx.deadline : ctx.stop,
      secrets: ctx.secretValues,
      onLine: (stream, line) => ctx.input.report({ type: 'log', job: ctx.job.id, step: step.index, stream, line }),
    });
  } catch (err) {
    const reason = maskText(toGantryError(err).message, ctx.secretValues);
    return reportStepFinished(ctx, step, started, { status: 'error', outputs: {}, exported: {}, failureKind: 'infrastructure', reason });
  }
  const run = classify(ctx, step, result);
  if (run.failureKind === 'timeout') systemLog(ctx, step.index, `step ${run.reason}`);
  if (run.status === 'canceled') systemLog(ctx, step.index, 'step canceled');
  else {
    try {
      await readStepFiles(ctx, step, files, run);
    } catch (err) {
      const reason = maskText(`cannot read the step's output files: ${toGantryError(err).message}`, ctx.secretValues);
      return reportStepFinished(ctx, step, started, { status: 'error', outputs: {}, exported: {}, failureKind: 'infrastructure', reason });
    }
  }
  return reportStepFinished(ctx, step, started, run, result.exitCode ?? undefined);
}

function shellFor(workspace: Workspace, shell: string[] | undefined): readonly string[] {
  const isDefault = shell === undefined || (shell.length === DEFAULT_SHELL.length && shell.every((word, i) => word === DEFAULT_SHELL[i]));
  if (!isDefault) return shell;
  return workspace.guest ? CONTAINER_DEFAULT_SHELL : DEFAULT_SHELL;
}

/** A host path inside the workspace as the step's processes see it. */
function guestPath(workspace: Workspace, hostPath: string): string {
  if (!workspace.guest) return hostPath;
  const rel = relative(workspace.dir, hostPath);
  return rel === '' ? workspace.guest.dir : posix.join(workspace.guest.dir, ...rel.split(sep));
}

function classify(ctx: AttemptContext, step: PlanStep, result: ExecResult): StepRun {
  const base = { outputs: {}, exported: {} };
  if (result.timedOut) {
    return { ...base, status: 'failure', failureKind: 'timeout', reason: `timed out after ${formatLimit(step.timeoutMs ?? 0)}` };
  }
  if (result.canceled && ctx.deadline.aborted && !ctx.signal.aborted) {
    return { ...base, status: 'failure', failureKind: 'timeout', reason: `timed out after ${formatLimit(ctx.job.timeoutMs)} (the job's timeout)` };
  }
  if (result.canceled) return { ...base, status: 'canceled', reason: 'canceled' };
  if (result.exitCode === 0) return { ...base, status: 'success' };
  const reason = result.exitCode !== null ? `exit code ${result.exitCode}` : `killed by ${result.signal ?? 'a signal'}`;
  return { ...base, status: 'failure', failureKind: 'failure', reason };
}

async function readStepFiles(ctx: AttemptContext, step: PlanStep, files: { output: string; env: string }, run: StepRun): Promise<void> {
  // One directory listing instead of two failing opens: most steps write neither file.
  const present = new Set(readdirSync(ctx.workspace.tempDir));
  const read = (path: string, kind: 'output' | 'env') =>
    present.has(basename(path)) ? readKeyValueFile(path, kind) : Promise.resolve({ values: {}, problems: [] });
  const [outputs, exported] = await Promise.all([read(files.output, 'output'), read(files.env, 'env')]);
  for (const problem of outputs.problems) systemLog(ctx, step.index, maskText(`$GANTRY_OUTPUT ${problem}`, ctx.secretValues));
  for (const problem of exported.problems) systemLog(ctx, step.index, maskText(`$GANTRY_ENV ${problem}`, ctx.secretValues));
  run.outputs = outputs.values;
  run.exported = exported.values;
}

class WorkingDirectoryError extends Error {}

/**
 * The step's working directory: relative to the workspace and inside it, also after following
 * symlinks; it must exist. `..` escapes and absolute paths are refused.
 */
async function workingDirectory(root: string, dir: string | undefined): Promise<string> {
  if (dir === undefined || dir === '' || dir === '.') return root;
  const quoted = JSON.stringify(dir);
  if (isAbsolute(dir)) throw new WorkingDirectoryError(`working_directory ${quoted} must be relative to the workspace`);
  const full = resolve(root, dir);
  if (!inside(root, full)) throw new WorkingDirectoryError(`working_directory ${quoted} leaves the workspace (no ".." outside it)`);
  let real: string;
  try {
    real = await realpath(full);
    if (!(await stat(real)).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new WorkingDirectoryError(`working_directory ${quoted} does not exist in the workspace`);
  }
  if (!inside(await realpath(root), real)) {
    throw new WorkingDirectoryError(`working_directory ${quoted} leaves the workspace through a symlink`);
  }
  return full;
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}

/** Limits as people write them: 2s, 250ms, 5m, 1h; odd values fall back to seconds with decimals. */
export function formatLimit(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${(ms / 1000).toFixed(1)}s`;
}
