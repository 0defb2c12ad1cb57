import { hostname } from 'node:os';
import { GantryError, type RunEvent } from '../../core/index.js';
import { runPlan, type RunResult } from '../../engine/index.js';
import type { Plan } from '../../pipeline/index.js';
import { rm } from 'node:fs/promises';
import { dockerCertPathFromEnv, loadContainerRuntime, createJobRunner, createLocalJobStorage, LocalBackend, type ContainerRuntime } from '../../runner/index.js';
import { execStorageDirs } from '../exec-storage.js';
import { createDurationStore, durationsFile } from '../durations.js';
import { EXIT, exitCodeForRun } from '../exit-codes.js';
import { literalTemplate, parseCacheMaxSize, parseParallel } from '../exec-options.js';
import { readGitInfo } from '../git-info.js';
import { parseKeyValues } from '../key-values.js';
import { buildEvent, countLine, DEFAULT_PIPELINE_FILE, formatDiagnostics, loadAndCompile, readPipelineText } from '../pipeline-source.js';
import { pickReporter } from '../render/pick-reporter.js';
import { createBatchedWriter } from '../render/batched-writer.js';
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
  /** Docker/Podman API for jobs with `image:` (default: DOCKER_HOST). */
  dockerHost?: string;
  /** TLS for a tcp:// docker host: directory with ca.pem, cert.pem, key.pem (default: as the Docker CLI). */
  dockerCertPath?: string;
  /** Bound of the local cache (`.git/gantry/cache`), e.g. 2g. */
  cacheMaxSize?: string;
}

/** Grace between SIGTERM and SIGKILL when a step is canceled. */
const KILL_GRACE_MS = 2000;
/** On a forced stop (second Ctrl-C), how long removing the job containers may hold up the exit. */
const FORCED_CLEANUP_MS = 3000;

async function collectSecrets(flags: ExecFlags): Promise<Record<string, string>> {
  const fromFile = flags.secretFile ? await readSecretFile(flags.secretFile) : {};
  return { ...secretsFromEnv(process.env), ...fromFile, ...parseKeyValues('--secret', flags.secret ?? []) };
}

/**
 * `gantry exec`: compile the pipeline for a local event and run it here. Resolves the exit code.
 * The event's `on` filters do not stop it (the developer asked for this run; a note says so), but
 * job `if:` conditions apply.
 */
export async function execCommand(fileArg: string | undefined, flags: ExecFlags): Promise<number> {
  const file = fileArg ?? DEFAULT_PIPELINE_FILE;
  const parallel = parseParallel(flags.parallel);
  const cacheMaxBytes = parseCacheMaxSize(flags.cacheMaxSize);
  const inputs = parseKeyValues('--input', flags.input ?? []);
  const extraEnv = parseKeyValues('--env', flags.env ?? []);
  // Boot the step spawners while the pipeline is read and compiled.
  const backend = new LocalBackend();
  backend.warm();
  let containers: ContainerRuntime | undefined;
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
    containers = await containerRuntime(plan, flags);
    return await runHere(plan, flags, { backend, containers, parallel, secrets, sourceDir: git.root ?? process.cwd(), gitDir: git.gitDir, cacheMaxBytes });
  } finally {
    await backend.close();
    await containers?.close();
  }
}

/**
 * Jobs with `image:` (and `build:` steps) use the Docker/Podman API at --docker-host or
 * DOCKER_HOST; without one they end in error with a hint (job runner). Privileged images come from
 * GANTRY_PRIVILEGED_IMAGES, as for the server. The agent id is per process, so two `gantry exec`
 * at once never take each other's containers for leftovers.
 */
async function containerRuntime(plan: Plan, flags: ExecFlags): Promise<ContainerRuntime | undefined> {
  const needsEngine = (job: Plan['jobs'][number]) => job.image !== undefined || job.steps.some((step) => step.kind === 'build');
  if (!plan.jobs.some((job) => !job.skip && needsEngine(job))) return undefined;
  return loadContainerRuntime({
    dockerHost: flags.dockerHost ?? process.env.DOCKER_HOST,
    dockerCertPath: flags.dockerCertPath ?? dockerCertPathFromEnv(process.env),
    privilegedImages: (process.env.GANTRY_PRIVILEGED_IMAGES ?? '').split(',').map((image) => image.trim()).filter((image) => image !== ''),
    agentId: `exec-${process.pid}@${hostname()}`,
  });
}

interface RunHereOptions {
  backend: LocalBackend;
  containers: ContainerRuntime | undefined;
  parallel: number;
  secrets: Record<string, string>;
  sourceDir: string;
  gitDir: string | undefined;
  cacheMaxBytes: number | undefined;
}

/** Runs the plan with the live reporter, Ctrl-C handling and remembered job durations. */
async function runHere(plan: Plan, flags: ExecFlags, options: RunHereOptions): Promise<number> {
  const { backend, containers } = options;
  const durations = createDurationStore(durationsFile(options.gitDir));
  const estimates = new Map(Object.entries(await durations.read()));
  const out = createBatchedWriter(process.stdout);
  const reporter = await pickReporter(flags, out);
  const interrupts = handleInterrupts({
    onFirst: () => reporter.note('canceling… press Ctrl-C again to force'),
    onForce: () => {
      backend.killAll();
      out.flush();
      if (containers === undefined) process.exit(EXIT.interrupted);
      // The job containers are this process's alone (its own agent id): remove them on the way out.
      setTimeout(() => process.exit(EXIT.interrupted), FORCED_CLEANUP_MS).unref();
      void containers.removeLeftovers().finally(() => process.exit(EXIT.interrupted));
    },
  });
  const observed: Record<string, number> = {};
  const storageDirs = execStorageDirs(options.gitDir, options.sourceDir, process.env);
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
      storage: createLocalJobStorage({ ...storageDirs, ...(options.cacheMaxBytes !== undefined && { cacheMaxBytes: options.cacheMaxBytes }) }),
      ...(containers !== undefined ? { containers: containers.containers, imageBuilder: containers.imageBuilder } : {}),
    });
    const result: RunResult = await runPlan(plan, { executor, parallel: options.parallel, onEvent, signal: interrupts.signal, estimates });
    reporter.finish(result);
    out.flush();
    await durations.update(observed);
    return exitCodeForRun(result.status, interrupts.interrupted);
  } finally {
    interrupts.dispose();
    await rm(storageDirs.artifactsDir, { recursive: true, force: true });
  }
}

function assertSomethingToRun(plan: Plan): void {
  if (plan.jobs.some((job) => !job.skip)) return;
  const why = plan.trigger.matched ? 'every job is skipped' : plan.trigger.reason;
  throw new GantryError('EXEC_NOTHING_TO_RUN', `nothing to run: ${why}`, {
    details: { hint: 'choose the event with --event/--branch/--tag, or name jobs with --job' },
  });
}
