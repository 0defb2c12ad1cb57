import { expr, type Plan, type PlanJob } from '../pipeline/index.js';
import type { JobRunInput, StepResultContext } from './job-types.js';
import { hashFiles } from './hash-files.js';

type Scope = expr.Scope;
type JsonValue = expr.JsonValue;

const STATUS_FUNCTIONS = ['success', 'failure', 'always', 'cancelled'];

/** The job-attempt state expressions can see. */
export interface ScopeState {
  plan: Plan;
  job: PlanJob;
  input: JobRunInput;
  workspaceDir: string;
  secrets: Record<string, string>;
  /** Gantry-defined env so far (never the host env: that is not the pipeline's to read). */
  env: Record<string, string>;
  steps: Record<string, StepResultContext>;
  /** An earlier step failed (continue_on_error steps do not count). */
  failed: boolean;
  /** The job's signal has aborted. */
  cancelled: boolean;
}

export function jobStatus(state: ScopeState): 'success' | 'failure' | 'cancelled' {
  return state.cancelled ? 'cancelled' : state.failed ? 'failure' : 'success';
}

export function buildScope(state: ScopeState): Scope {
  const needs: Record<string, JsonValue> = {};
  for (const [key, summary] of Object.entries(state.input.needs)) {
    needs[key] = { result: summary.result, outputs: { ...summary.outputs } };
  }
  const steps: Record<string, JsonValue> = {};
  for (const [id, step] of Object.entries(state.steps)) steps[id] = { ...step, outputs: { ...step.outputs } };
  return {
    contexts: {
      env: { ...state.env },
      git: { ...state.plan.context.git },
      inputs: { ...state.plan.context.inputs },
      matrix: { ...(state.job.matrix ?? {}) },
      needs,
      steps,
      secrets: { ...state.secrets },
      job: { status: jobStatus(state) },
    },
    functions: {
      success: () => !state.failed && !state.cancelled,
      failure: () => state.failed,
      always: () => true,
      cancelled: () => state.cancelled,
      hashFiles: (...patterns: string[]) => hashFiles(state.workspaceDir, patterns),
    },
  };
}

/**
 * Whether a step runs. No condition means `success()`. As in GitHub Actions, a condition that calls
 * no status function (success/failure/always/cancelled) only applies while nothing has failed or
 * been cancelled — `if: git.branch == 'main'` does not run after a failure; write
 * `if: always() && …` for that. Throws expr.ExpressionError on a bad condition.
 */
export function shouldRun(condition: string | undefined, state: ScopeState): boolean {
  const success = !state.failed && !state.cancelled;
  if (condition === undefined) return success;
  const { source } = expr.conditionExpression(condition);
  const parsed = expr.parseExpression(source);
  if (!parsed.ok) throw new expr.ExpressionError(parsed.error.message, parsed.error.offset, parsed.error.hint);
  const usesStatus = [...expr.references(parsed.ast).functions].some((name) => STATUS_FUNCTIONS.includes(name));
  if (!usesStatus && !success) return false;
  return expr.isTruthy(expr.evaluate(parsed.ast, buildScope(state)));
}

/**
 * Evaluates a map of templates in order into `into`; each value sees the ones before it in `env`.
 * The scope is built only when some value is a template (most env values are plain text).
 */
export function evaluateEnvTemplates(templates: Record<string, string>, state: ScopeState, into: Record<string, string>, label: string): void {
  let scope: Scope | undefined;
  for (const [name, template] of Object.entries(templates)) {
    let value = template;
    if (template.includes('${{')) {
      if (scope === undefined) {
        scope = buildScope(state);
        Object.assign(scope.contexts.env as Record<string, JsonValue>, into);
      }
      try {
        value = expr.evaluateTemplate(template, scope);
      } catch (err) {
        throw new TemplateError(`${label}.${name}: ${err instanceof Error ? err.message : String(err)}`, err);
      }
    }
    into[name] = value;
    if (scope) (scope.contexts.env as Record<string, JsonValue>)[name] = value;
  }
}

/** A template in the plan could not be evaluated: a problem of the pipeline, so the step fails. */
export class TemplateError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'TemplateError';
  }
}
