import { toGantryError } from '../core/index.js';
import type { PlanCredentials } from '../pipeline/index.js';
import { systemLog, type AttemptContext } from './attempt-context.js';
import type { JobContainer, RegistryCredentials } from './backend.js';
import { evaluateEnvTemplates, TemplateError, type ScopeState } from './expression-scope.js';
import type { JobRunOutcome } from './job-types.js';
import { maskText } from './masking/index.js';

/**
 * Starts a container job's container and services, after the job's env is known (so credentials
 * and service env can use `secrets`, `env`, `matrix`, `needs`…). Resolves undefined once they run,
 * else the job's outcome: `failure` when a template is wrong (the pipeline's fault), `canceled` or a
 * timeout when the job was stopped meanwhile, `error` when the engine could not run them.
 */
export async function startJobContainer(ctx: AttemptContext, state: ScopeState): Promise<JobRunOutcome | undefined> {
  const { job } = ctx;
  const step = job.steps[0]?.index ?? 0;
  const log = (line: string) => systemLog(ctx, step, maskText(line, ctx.secretValues));
  let container: JobContainer;
  try {
    container = evaluateContainer(ctx, state, log);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    const reason = maskText(err.message, ctx.secretValues);
    systemLog(ctx, step, reason);
    return { status: 'failure', outputs: {}, failureKind: 'failure', reason };
  }
  try {
    await ctx.options.backend.start!(ctx.workspace, container);
    return undefined;
  } catch (err) {
    if (ctx.signal.aborted) return { status: 'canceled', outputs: {}, reason: 'canceled' };
    if (ctx.deadline.aborted) {
      const reason = 'timed out while starting the job container';
      log(reason);
      return { status: 'failure', outputs: {}, failureKind: 'timeout', reason };
    }
    const reason = maskText(`cannot start the job container: ${toGantryError(err).message}`, ctx.secretValues);
    systemLog(ctx, step, reason);
    return { status: 'error', outputs: {}, failureKind: 'infrastructure', reason };
  }
}

function evaluateContainer(ctx: AttemptContext, state: ScopeState, onLine: (line: string) => void): JobContainer {
  const { job } = ctx;
  const settings = job.container ?? { pull: 'if-not-present', privileged: false };
  const credentials = evaluateCredentials(settings.credentials, state, `jobs.${job.key}.image.credentials`);
  const services = Object.entries(job.services ?? {}).map(([name, service]) => {
    const env: Record<string, string> = {};
    evaluateEnvTemplates(service.env, state, env, `jobs.${job.key}.services.${name}.env`);
    const serviceCredentials = evaluateCredentials(service.credentials, state, `jobs.${job.key}.services.${name}.credentials`);
    return {
      name,
      image: service.image,
      env,
      ports: service.ports,
      pull: service.pull,
      ...(service.command !== undefined ? { command: service.command } : {}),
      ...(serviceCredentials !== undefined ? { credentials: serviceCredentials } : {}),
      ...(service.health !== undefined ? { health: service.health } : {}),
    };
  });
  return {
    image: job.image!,
    pull: settings.pull,
    privileged: settings.privileged,
    ...(credentials !== undefined ? { credentials } : {}),
    ...(settings.user !== undefined ? { user: settings.user } : {}),
    ...(settings.cpus !== undefined ? { cpus: settings.cpus } : {}),
    ...(settings.memoryBytes !== undefined ? { memoryBytes: settings.memoryBytes } : {}),
    services,
    signal: ctx.stop,
    onLine,
  };
}

function evaluateCredentials(templates: PlanCredentials | undefined, state: ScopeState, label: string): RegistryCredentials | undefined {
  if (templates === undefined) return undefined;
  const values: Record<string, string> = {};
  evaluateEnvTemplates({ username: templates.username, password: templates.password }, state, values, label);
  return { username: values.username!, password: values.password! };
}
