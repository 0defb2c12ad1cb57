import { parseDuration } from '../../core/index.js';
import type { PlanJob, PlanStep, RetryOn, RetryPolicy } from '../plan.js';
import type { JobSpec, PipelineFile } from '../schema.js';
import type { DiagnosticSink } from './codes.js';
import { stringifyEnv } from './env.js';
import type { Combination } from './matrix.js';
import { compileStep } from './steps.js';
import { compileArtifacts, compileCache, compileImage, compileServices } from './containers.js';

/** Defaults applied when neither the job nor `defaults:` says otherwise. */
export const DEFAULT_TIMEOUT_MS = 60 * 60_000;
export const DEFAULT_BACKOFF_MS = 10_000;
export const DEFAULT_RETRY_ON: readonly RetryOn[] = ['infrastructure'];

type RetrySpec = NonNullable<JobSpec['retry']>;

export function retryPolicy(spec: RetrySpec | undefined): RetryPolicy {
  if (spec === undefined) return { max: 0, backoffMs: DEFAULT_BACKOFF_MS, on: [...DEFAULT_RETRY_ON] };
  if (typeof spec === 'number') return { max: spec, backoffMs: DEFAULT_BACKOFF_MS, on: [...DEFAULT_RETRY_ON] };
  const backoff = spec.backoff === undefined ? undefined : parseDuration(spec.backoff);
  return { max: spec.max, backoffMs: backoff ?? DEFAULT_BACKOFF_MS, on: spec.on ? [...spec.on] : [...DEFAULT_RETRY_ON] };
}

export interface JobInstance {
  key: string;
  spec: JobSpec;
  id: string;
  name: string;
  combination?: Combination;
}

export interface JobBuildContext {
  pipeline: PipelineFile;
  sink: DiagnosticSink;
  line(path: readonly (string | number)[]): number;
}

/** Everything of a plan job that does not depend on other jobs (needs, skips come later). */
export function buildJob(instance: JobInstance, ctx: JobBuildContext): PlanJob {
  const { key, spec } = instance;
  const defaults = ctx.pipeline.defaults;
  const timeout = spec.timeout ?? defaults?.timeout;
  const steps = spec.steps
    .map((step, index) => compileStep(step, index, { pipeline: ctx.pipeline, jobKey: key, job: spec, sink: ctx.sink, line: ctx.line }))
    .filter((step): step is PlanStep => step !== undefined);
  const job: PlanJob = {
    id: instance.id,
    key,
    name: instance.name,
    needs: [],
    env: stringifyEnv(spec.env),
    timeoutMs: (timeout === undefined ? undefined : parseDuration(timeout)) ?? DEFAULT_TIMEOUT_MS,
    retry: retryPolicy(spec.retry ?? defaults?.retry),
    continueOnError: spec.continue_on_error ?? false,
    checkout: spec.checkout ?? true,
    outputs: { ...(spec.outputs ?? {}) },
    steps,
    runsOn: spec.runs_on === undefined ? [] : typeof spec.runs_on === 'string' ? [spec.runs_on] : [...spec.runs_on],
    line: ctx.line(['jobs', key]),
  };
  if (instance.combination) job.matrix = { ...instance.combination };
  if (spec.image !== undefined) Object.assign(job, compileImage(spec.image));
  if (spec.services !== undefined) job.services = compileServices(spec.services);
  if (spec.cache !== undefined) job.cache = compileCache(spec.cache);
  if (spec.artifacts !== undefined) job.artifacts = compileArtifacts(spec.artifacts, instance.id);
  if (spec.environment !== undefined) job.environment = typeof spec.environment === 'string' ? spec.environment : spec.environment.name;
  return job;
}

/** Interface key order for every job, so plans serialise identically whatever order fields were set in. */
export function orderJob(j: PlanJob): PlanJob {
  const out = { id: j.id, key: j.key, name: j.name } as PlanJob;
  if (j.matrix !== undefined) out.matrix = j.matrix;
  out.needs = j.needs;
  if (j.condition !== undefined) out.condition = j.condition;
  if (j.skip !== undefined) out.skip = j.skip;
  Object.assign(out, {
    env: j.env,
    timeoutMs: j.timeoutMs,
    retry: j.retry,
    continueOnError: j.continueOnError,
    checkout: j.checkout,
    outputs: j.outputs,
    steps: j.steps,
  });
  if (j.image !== undefined) out.image = j.image;
  if (j.container !== undefined) out.container = j.container;
  if (j.services !== undefined) out.services = j.services;
  if (j.cache !== undefined) out.cache = j.cache;
  if (j.artifacts !== undefined) out.artifacts = j.artifacts;
  if (j.environment !== undefined) out.environment = j.environment;
  out.runsOn = j.runsOn;
  out.line = j.line;
  return out;
}
