import { hasErrors, type Diagnostic } from '../core/index.js';
import { COMPILE_CODES, DiagnosticSink } from './compile/codes.js';
import { stringifyEnv } from './compile/env.js';
import { compileTemplate, templateUses, type CompileScope } from './compile/expressions.js';
import { gitContext } from './compile/git-context.js';
import { resolveInputs } from './compile/inputs.js';
import { applyCondition, propagateSkips } from './compile/job-conditions.js';
import { resolveJobTemplates } from './compile/job-templates.js';
import { buildJob, orderJob, type JobInstance } from './compile/jobs.js';
import { DEFAULT_MAX_MATRIX, expandMatrix, instanceId, type MatrixSpec } from './compile/matrix.js';
import { findCycle, resolveNeeds } from './compile/needs.js';
import { selectJobs } from './compile/select-jobs.js';
import { matchTrigger } from './compile/triggers.js';
import type { GitEvent } from './event.js';
import type { LoadedPipeline } from './loaded.js';
import type { Plan } from './plan.js';

export interface CompileOptions {
  /** `gantry exec --job NAME`: run only these jobs (key or plan id) and what they need. */
  only?: string[];
  /**
   * Run the jobs even when the event does not match `on` (`gantry exec`: the developer asked for
   * this run). `plan.trigger` still says whether it matched; job `if:` conditions still apply.
   */
  ignoreTrigger?: boolean;
  /** Most instances one matrix may expand to (default 256). */
  maxMatrix?: number;
}

export interface CompileResult {
  /** Present when compile found no error. An event that does not match `on` still gets a plan. */
  plan?: Plan;
  diagnostics: Diagnostic[];
}

/**
 * Compiles a loaded pipeline for one event into a plan. PURE: no I/O, no clock, no environment,
 * and the same input always gives the same plan (JSON with a stable key order).
 *
 * Order: trigger match → inputs and `git` context → matrix expansion → jobs and steps (defaults,
 * run scripts rewritten to env references) → needs → skip reasons (trigger, `only`, compile-time
 * `if`, needs that will not run).
 */
export function compilePipeline(loaded: LoadedPipeline, event: GitEvent, options: CompileOptions = {}): CompileResult {
  const sink = new DiagnosticSink(loaded);
  const pipeline = loaded.pipeline;
  const line = (path: readonly (string | number)[]): number => loaded.locate(path).line;
  const trigger = matchTrigger(pipeline.on, event);
  const inputs = resolveInputs(pipeline, event, sink);
  const git = gitContext(event);
  const env = stringifyEnv(pipeline.env);
  const scopeFor = (matrix: Record<string, string | number | boolean>, jobEnv: Record<string, string>): CompileScope => ({
    git,
    inputs,
    matrix,
    env: { ...env, ...jobEnv },
  });

  const instances = expandJobs(loaded, options.maxMatrix ?? DEFAULT_MAX_MATRIX, sink, (combo) => scopeFor(combo, {}));
  const idsByKey = new Map<string, string[]>(Object.keys(pipeline.jobs).map((key) => [key, []]));
  for (const instance of instances) idsByKey.get(instance.key)!.push(instance.id);

  const jobs = instances.map((instance) => {
    const job = buildJob(instance, { pipeline, sink, line });
    job.needs = resolveNeeds(job, instance.spec, idsByKey, sink);
    return job;
  });
  const cycle = findCycle(jobs);
  if (cycle) sink.error(COMPILE_CODES.NEEDS_CYCLE, `needs form a cycle: ${cycle.join(' → ')}`, ['jobs']);

  const selected = options.only ? selectJobs(jobs, options.only, sink) : undefined;
  jobs.forEach((job, index) => {
    if (!trigger.matched && !options.ignoreTrigger) job.skip = { reason: trigger.reason };
    else if (selected && !selected.has(job.id)) job.skip = { reason: 'not selected (--job)' };
    const instance = instances[index]!;
    const scope = scopeFor(instance.combination ?? {}, job.env);
    applyCondition(job, instance.spec, scope, sink);
    resolveJobTemplates(job, scope, sink);
  });
  if (!cycle) propagateSkips(jobs);

  const plan: Plan = {
    file: loaded.file,
    event,
    context: { git, inputs },
    trigger: { matched: trigger.matched, reason: trigger.reason },
    env,
    failFast: pipeline.fail_fast ?? true,
    jobs: jobs.map(orderJob),
    notify: [...(pipeline.notify ?? [])],
  };
  const concurrency = compileConcurrency(pipeline.concurrency, scopeFor({}, {}), sink);
  return finish(concurrency ? reorderPlan(plan, concurrency) : plan, sink.diagnostics);
}

/** The group is evaluated now when it only uses compile-time contexts, else kept as a template. */
function compileConcurrency(
  spec: LoadedPipeline['pipeline']['concurrency'],
  scope: CompileScope,
  sink: DiagnosticSink,
): Plan['concurrency'] {
  if (!spec) return undefined;
  const group = compileTemplate(spec.group, scope);
  if (!group.ok) sink.error(COMPILE_CODES.EXPRESSION_FAILED, `concurrency.group: ${group.message}`, ['concurrency', 'group'], group.hint);
  return { group: group.ok ? group.value : spec.group, cancelInProgress: spec.cancel_in_progress ?? false };
}

function finish(plan: Plan, diagnostics: Diagnostic[]): CompileResult {
  return hasErrors(diagnostics) ? { diagnostics } : { plan, diagnostics };
}

/** Puts `concurrency` where the Plan interface has it, for a stable serialised form. */
function reorderPlan(plan: Plan, concurrency: NonNullable<Plan['concurrency']>): Plan {
  const { jobs, notify, ...head } = plan;
  return { ...head, concurrency, jobs, notify };
}

/** One instance per job, or one per matrix combination, in file order. */
function expandJobs(
  loaded: LoadedPipeline,
  maxMatrix: number,
  sink: DiagnosticSink,
  scopeFor: (combo: Record<string, string | number | boolean>) => CompileScope,
): JobInstance[] {
  const out: JobInstance[] = [];
  const seen = new Set<string>();
  const add = (instance: JobInstance): void => {
    if (seen.has(instance.id)) {
      sink.error(COMPILE_CODES.DUPLICATE_JOB_ID, `two jobs would both be called '${instance.id}'`, ['jobs', instance.key], 'rename one of the jobs');
      return;
    }
    seen.add(instance.id);
    out.push(instance);
  };
  for (const [key, spec] of Object.entries(loaded.pipeline.jobs)) {
    if (!spec.matrix) {
      add({ key, spec, id: key, name: jobName(key, spec.name, undefined, scopeFor({}), sink) });
      continue;
    }
    const result = expandMatrix(spec.matrix as MatrixSpec, maxMatrix);
    if (!result.ok) {
      const code = result.reason === 'empty' ? COMPILE_CODES.MATRIX_EMPTY : COMPILE_CODES.MATRIX_TOO_LARGE;
      sink.error(code, `job '${key}': ${result.message}`, ['jobs', key, 'matrix']);
      continue;
    }
    for (const combination of result.combinations) {
      const id = instanceId(key, combination);
      add({ key, spec, id, combination, name: jobName(id, spec.name, combination, scopeFor(combination), sink, key) });
    }
  }
  return out;
}

/**
 * Display name: `name:` evaluated now when it can be (it may use `matrix`), else the plan id.
 * A matrix instance whose name does not mention `matrix` gets the values appended, so instances
 * stay distinguishable.
 */
function jobName(
  id: string,
  name: string | undefined,
  combination: Record<string, string | number | boolean> | undefined,
  scope: CompileScope,
  sink: DiagnosticSink,
  key = id,
): string {
  if (name === undefined) return id;
  const result = compileTemplate(name, scope);
  if (!result.ok) {
    sink.error(COMPILE_CODES.EXPRESSION_FAILED, `job '${key}' name: ${result.message}`, ['jobs', key, 'name'], result.hint);
    return name;
  }
  if (combination && !templateUses(name, 'matrix')) return instanceId(result.value, combination);
  return result.value;
}

