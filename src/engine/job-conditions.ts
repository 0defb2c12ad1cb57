import { expr } from '../pipeline/index.js';
import type { Plan, PlanJob } from '../pipeline/index.js';
import { buildNeedsContext, effectiveResult, type EndedJob } from './needs-context.js';

/**
 * Whether a job whose needs have all ended runs, is skipped, or ends in `error`.
 *
 * Rules, in order:
 * 1. A compile-time `skip` wins.
 * 2. A run that is canceled skips the job unless its condition calls `always()` or `cancelled()`;
 *    a run that is failing fast skips it unless its condition calls `always()`, `failure()` or
 *    `cancelled()`. Such jobs are how people write clean-up and notification jobs.
 * 3. A condition that calls no status function (including no condition at all) first requires
 *    every need to have ended `success` (a failed `continue_on_error` need counts as success), as
 *    in GitHub Actions: `if: git.branch == 'main'` means "and the needs succeeded".
 * 4. The condition is evaluated with contexts needs/matrix/git/inputs/env and the status
 *    functions; falsy → skipped. A parse or evaluation error ends the job `error` with the message.
 */
export type ConditionDecision = { kind: 'run' } | { kind: 'skip'; reason: string } | { kind: 'error'; reason: string };

export interface ConditionInput {
  plan: Plan;
  job: PlanJob;
  /** The job's needs, all ended, in file order. */
  needs: readonly EndedJob[];
  /** Some transitive need ended failure/error (effective result). */
  ancestorFailed: boolean;
  /** Some transitive need ended failure/error/canceled (effective result). */
  ancestorTroubled: boolean;
  /** Id of the job that made the run fail fast, when it did. */
  failFastBy: string | undefined;
  canceled: boolean;
  /** Why the run was canceled (the reason jobs it skips carry); default 'run canceled'. */
  cancelReason?: string;
}

const STATUS_FUNCTIONS = ['success', 'failure', 'always', 'cancelled'] as const;
type StatusFunction = (typeof STATUS_FUNCTIONS)[number];

export function decideJob(input: ConditionInput): ConditionDecision {
  const { job } = input;
  if (job.skip) return { kind: 'skip', reason: job.skip.reason };
  const analysis = analyzeCondition(job);
  if ('error' in analysis) return { kind: 'error', reason: analysis.error };
  const uses = analysis.uses;
  if (input.canceled && !uses.has('always') && !uses.has('cancelled')) return { kind: 'skip', reason: input.cancelReason ?? 'run canceled' };
  if (input.failFastBy !== undefined && !uses.has('always') && !uses.has('failure') && !uses.has('cancelled')) {
    return { kind: 'skip', reason: `fail-fast: '${input.failFastBy}' failed` };
  }
  if (uses.size === 0) {
    const blocking = input.needs.find((need) => effectiveResult(need) !== 'success');
    if (blocking) return { kind: 'skip', reason: needsReason(blocking) };
  }
  if (job.condition === undefined) return { kind: 'run' };
  try {
    return expr.evaluateCondition(job.condition, conditionScope(input))
      ? { kind: 'run' }
      : { kind: 'skip', reason: `condition is false: ${job.condition}` };
  } catch (err) {
    return { kind: 'error', reason: `if: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** Whether fail-fast should leave this job running: it was written to run when things fail. */
export function runsOnFailure(job: PlanJob): boolean {
  const analysis = analyzeCondition(job);
  return 'uses' in analysis && (analysis.uses.has('always') || analysis.uses.has('failure') || analysis.uses.has('cancelled'));
}

type Analysis = { uses: ReadonlySet<StatusFunction> } | { error: string };
const analyses = new WeakMap<PlanJob, Analysis>();

/** Which status functions the condition calls; parsed once per job. */
function analyzeCondition(job: PlanJob): Analysis {
  const cached = analyses.get(job);
  if (cached) return cached;
  let analysis: Analysis = { uses: new Set() };
  if (job.condition !== undefined) {
    try {
      const { source } = expr.conditionExpression(job.condition);
      const parsed = expr.parseExpression(source);
      if (!parsed.ok) analysis = { error: `if: ${parsed.error.message}` };
      else {
        const called = expr.references(parsed.ast).functions;
        analysis = { uses: new Set(STATUS_FUNCTIONS.filter((name) => called.has(name))) };
      }
    } catch (err) {
      analysis = { error: `if: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  analyses.set(job, analysis);
  return analysis;
}

function needsReason(need: EndedJob): string {
  const id = need.job.id;
  switch (effectiveResult(need)) {
    case 'failure':
      return `needs '${id}' failed`;
    case 'error':
      return `needs '${id}' ended in error`;
    case 'canceled':
      return `needs '${id}' was canceled`;
    case 'skipped':
      return `needs '${id}' was skipped`;
    default:
      return `needs '${id}' did not succeed`;
  }
}

function conditionScope(input: ConditionInput): expr.Scope {
  const needs: Record<string, expr.JsonValue> = {};
  for (const [key, summary] of Object.entries(buildNeedsContext(input.needs))) {
    needs[key] = { result: summary.result, outputs: { ...summary.outputs } };
  }
  const { plan, job } = input;
  return {
    contexts: {
      needs,
      matrix: { ...(job.matrix ?? {}) },
      git: { ...plan.context.git },
      inputs: { ...plan.context.inputs },
      env: { ...plan.env },
    },
    functions: {
      success: () => !input.ancestorTroubled,
      failure: () => input.ancestorFailed || input.failFastBy !== undefined,
      always: () => true,
      cancelled: () => input.canceled,
    },
  };
}
