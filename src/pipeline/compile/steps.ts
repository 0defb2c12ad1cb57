import { parseDuration } from '../../core/index.js';
import type { PlanStep, StepKind } from '../plan.js';
import type { JobSpec, PipelineFile, StepSpec } from '../schema.js';
import { COMPILE_CODES, type DiagnosticSink } from './codes.js';
import { stringifyEnv } from './env.js';
import { unwrapExpression } from './expressions.js';
import { rewriteRunScript } from './run-script.js';
import { DEFAULT_SHELL, resolveShell } from './shell.js';

const MAX_NAME = 60;

export interface StepContext {
  pipeline: PipelineFile;
  jobKey: string;
  job: JobSpec;
  sink: DiagnosticSink;
  line(path: readonly (string | number)[]): number;
}

function kindOf(step: StepSpec): StepKind | undefined {
  if (step.run !== undefined) return 'run';
  if (step.build !== undefined) return 'build';
  if (step.deploy !== undefined) return 'deploy';
  if (step.uses !== undefined) return 'uses';
  return undefined;
}

/** The first non-empty line of the script, shortened: what people recognise a step by. */
function defaultName(step: StepSpec, kind: StepKind): string {
  if (kind === 'run') {
    const first = (step.run ?? '').split('\n').map((l) => l.trim()).find((l) => l !== '') ?? 'run';
    return first.length > MAX_NAME ? `${first.slice(0, MAX_NAME - 1)}…` : first;
  }
  return kind === 'uses' ? `uses: ${step.uses}` : kind;
}

function stepCondition(value: string | boolean | undefined): string | undefined {
  if (value === undefined || value === true) return undefined;
  if (value === false) return 'false';
  return unwrapExpression(value);
}

export function compileStep(step: StepSpec, index: number, ctx: StepContext): PlanStep | undefined {
  const path = ['jobs', ctx.jobKey, 'steps', index];
  const kind = kindOf(step);
  if (kind === undefined) {
    ctx.sink.error(COMPILE_CODES.BAD_STEP, 'step has none of run, build, deploy, uses', path);
    return undefined;
  }
  const env = stringifyEnv(step.env);
  const out: PlanStep = { index, name: step.name ?? defaultName(step, kind), kind, env, continueOnError: step.continue_on_error ?? false, line: 0 };
  if (step.id !== undefined) out.id = step.id;
  if (kind === 'run') {
    const rewritten = rewriteRunScript(step.run ?? '', new Set(Object.keys(env)));
    if (!rewritten.ok) {
      ctx.sink.error(COMPILE_CODES.BAD_EXPRESSION, `run: ${rewritten.error.message}`, [...path, 'run'], rewritten.error.hint);
      return undefined;
    }
    out.script = rewritten.value.script;
    Object.assign(env, rewritten.value.env);
    const shellText = step.shell ?? ctx.job.shell ?? ctx.pipeline.defaults?.shell ?? DEFAULT_SHELL;
    const shell = resolveShell(shellText);
    if (!shell) {
      ctx.sink.error(COMPILE_CODES.BAD_SHELL, `shell '${shellText}' has no {0} placeholder for the script file`, [...path, 'shell'], "e.g. shell: 'node {0}'");
    }
    out.shell = shell ?? [];
  } else if (kind === 'uses') {
    out.uses = step.uses!;
    out.with = { ...(step.with ?? {}) };
  } else {
    out.with = { ...(kind === 'build' ? step.build! : step.deploy!) };
  }
  const condition = stepCondition(step.if);
  if (condition !== undefined) out.condition = condition;
  if (step.timeout !== undefined) {
    const ms = parseDuration(step.timeout);
    if (ms !== undefined) out.timeoutMs = ms;
  }
  const workingDirectory = step.working_directory ?? ctx.job.working_directory ?? ctx.pipeline.defaults?.working_directory;
  if (workingDirectory !== undefined) out.workingDirectory = workingDirectory;
  out.line = ctx.line(path);
  return orderStep(out);
}

/** Same key order for every step so plans serialise identically. */
function orderStep(s: PlanStep): PlanStep {
  const out: PlanStep = { index: s.index } as PlanStep;
  if (s.id !== undefined) out.id = s.id;
  out.name = s.name;
  out.kind = s.kind;
  if (s.script !== undefined) out.script = s.script;
  if (s.shell !== undefined) out.shell = s.shell;
  if (s.with !== undefined) out.with = s.with;
  if (s.uses !== undefined) out.uses = s.uses;
  out.env = s.env;
  if (s.condition !== undefined) out.condition = s.condition;
  if (s.timeoutMs !== undefined) out.timeoutMs = s.timeoutMs;
  if (s.workingDirectory !== undefined) out.workingDirectory = s.workingDirectory;
  out.continueOnError = s.continueOnError;
  out.line = s.line;
  return out;
}
