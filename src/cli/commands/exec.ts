import { GantryError, type RunEvent } from '../../core/index.js';
import { runPlan, type RunResult } from '../../engine/index.js';
import type { Plan } from '../../pipeline/index.js';
import { createJobRunner, LocalBackend } from '../../runner/index.js';
import { createDurationStore, durationsFile } from '../durations.js';
import { EXIT, exitCodeForRun } from '../exit-codes.js';
import { literalTemplate, parseParallel } from '../exec-options.js';
import { readGitInfo } from '../git-info.js';
import { parseKeyValues } from '../key-values.js';
import { buildEvent, countLine, DEFAULT_PIPELINE_FILE, formatDiagnostics, loadAndCompile, readPipelineText } from '../pipeline-source.js';
import { createJsonReporter, createLineReporter, type Reporter } from '../render/reporter.js';
import { createBatchedWriter, type BatchedWriter } from '../render/batched-writer.js';
import { colorEnabled, createStyle } from '../render/style.js';
import { hostEnvWithoutSecrets, readSecretFile, secretsFromEnv } from '../secret-file.js';
import { handleInterrupts } from '../signals.js';

export interface ExecFlags {
  job?: string[];
  event?: string;
  branch?: string;
  tag?: string;
  input?: string[];
  env?: string[];
  secret?: string[];
  secretFile?: string;
  parallel?: string;
  json?: boolean;
  color?: boolean;
}

/** Grace between SIGTERM and SIGKILL when a step is canceled. */
const KILL_GRACE_MS = 2000;

async function collectSecrets(flags: ExecFlags): Promise<Record<string, string>> {
  const fromFile = flags.secretFile ? await readSecretFile(flags.secretFile) : {};
  return { ...secretsFromEnv(process.env), ...fromFile, ...parseKeyValues('--secret', flags.secret ?? []) };
}

async function pickReporter(flags: ExecFlags, out: BatchedWriter): Promise<Reporter> {
  if (flags.json) return createJsonReporter(out.write);
  const style = createStyle(colorEnabled(process.stdout, flags.color === false));
  if (process.stdout.isTTY) return (await import('../render/tree-reporter.js')).createTreeReporter(process.stdout, style);
  return createLineReporter(out.write, style);
}

/**
 * `gantry exec`: compile the pipeline for a local event and run it here. Resolves the exit code.
 * The event's `on` filters do not stop it (the developer asked for this run; a note says so), but
 * job `if:` conditions apply.
 */
export async function execCommand(fileArg: string | undefined, flags: ExecFlags): Promise<number> {
  const file = fileArg ?? DEFAULT_PIPELINE_FILE;
  const parallel = parseParallel(flags.parallel);
  const inputs = parseKeyValues('--input', flags.input ?? []);
  const extraEnv = parseKeyValues('--env', flags.env ?? []);
  // Boot the step spawners while the pipeline is read and compiled.
  const backend = new LocalBackend();
  backend.warm();
  try {
    const [git, secrets, text] = await Promise.all([readGitInfo(process.cwd()), collectSecrets(flags), readPipelineText(file)]);
    const compiled = loadAndCompile(text, file, buildEvent(flags, git, inputs), flags.job, { ignoreTrigger: true });
    const errStyle = createStyle(colorEnabled(process.stderr, flags.color === false));
    if (compiled.diagnostics.length > 0) process.stderr.write(formatDiagnostics(compiled.diagnostics, errStyle) + '\n');
    if (!compiled.plan) {
      process.stderr.write(`${countLine(compiled.diagnostics)}\n`);
      return EXIT.invalidPipeline;
    }
    const plan = compiled.plan;
    for (const [key, value] of Object.entries(extraEnv)) plan.env[key] = literalTemplate(value);
    assertSomethingToRun(plan);
    if (!plan.trigger.matched && !flags.json) process.stderr.write(errStyle.yellow(`note: ${plan.trigger.reason}; running anyway\n`));
    return await runHere(plan, flags, { backend, parallel, secrets, sourceDir: git.root ?? process.cwd(), gitDir: git.gitDir });
  } finally {
    await backend.close();
  }
}

interface RunHereOptions {
  backend: LocalBackend;
  parallel: number;
  secrets: Record<string, string>;
  sourceDir: string;
  gitDir: string | undefined;
}

/** Runs the plan with the live reporter, Ctrl-C handling and remembered job durations. */
async function runHere(plan: Plan, flags: ExecFlags, options: RunHereOptions): Promise<number> {
  const { backend } = options;
  const durations = createDurationStore(durationsFile(options.gitDir));
  const estimates = new Map(Object.entries(await durations.read()));
  const out = createBatchedWriter(process.stdout);
  const reporter = await pickReporter(flags, out);
  const interrupts = handleInterrupts({
    onFirst: () => reporter.note('canceling… press Ctrl-C again to force'),
    onForce: () => {
      backend.killAll();
      out.flush();
      process.exit(EXIT.interrupted);
    },
  });
  const observed: Record<string, number> = {};
  const onEvent = (event: RunEvent) => {
    if (event.type === 'job:finished' && event.status === 'success') observed[event.job] = event.durationMs;
    reporter.event(event);
  };
  try {
    const executor = createJobRunner({
      plan,
      backend,
      secrets: options.secrets,
      sourceDir: options.sourceDir,
      hostEnv: hostEnvWithoutSecrets(process.env),
      killGraceMs: KILL_GRACE_MS,
    });
    const result: RunResult = await runPlan(plan, { executor, parallel: options.parallel, onEvent, signal: interrupts.signal, estimates });
    reporter.finish(result);
    out.flush();
    await durations.update(observed);
    return exitCodeForRun(result.status, interrupts.interrupted);
  } finally {
    interrupts.dispose();
  }
}

function assertSomethingToRun(plan: Plan): void {
  if (plan.jobs.some((job) => !job.skip)) return;
  const why = plan.trigger.matched ? 'every job is skipped' : plan.trigger.reason;
  throw new GantryError('EXEC_NOTHING_TO_RUN', `nothing to run: ${why}`, {
    details: { hint: 'choose the event with --event/--branch/--tag, or name jobs with --job' },
  });
}
