import * as expr from '../expr/index.js';
import type { Expr } from '../expr/index.js';
import type { GitContext } from '../plan.js';
import { didYouMean } from '../suggest.js';
import type { PathPart } from '../yaml-positions.js';
import { asArray, asRecord, asString, isRecord, jobsOf, needsOf, type LintContext } from './context.js';

/**
 * Checks every string that may hold `${{ }}` and every `if:`: syntax, names, functions (through
 * the expr module), and references this place cannot see — `needs.<job>` outside the job's needs,
 * `matrix.<axis>` the job does not have, `steps.<id>` not defined by an earlier step.
 * Positions point inside the YAML string, at the offending character.
 */
interface Scope {
  contexts: readonly string[];
  /** Undefined = not checked here (e.g. top-level env has no needs at all: the context check covers it). */
  needs?: ReadonlySet<string>;
  axes?: ReadonlySet<string> | undefined;
  stepIds?: ReadonlySet<string>;
  job?: string;
  /** `run:` text: secrets used directly get a warning. */
  script?: boolean;
  /**
   * Evaluated by the server before any secret is decrypted, and shown to people (job name, `if`,
   * environment, runs_on, image): `secrets` here is an error saying so.
   */
  noSecrets?: string;
}

const TOP_CONTEXTS = ['git', 'inputs', 'secrets', 'env'];
const JOB_CONTEXTS = ['git', 'inputs', 'secrets', 'env', 'matrix', 'needs', 'job'];
const STEP_CONTEXTS = [...JOB_CONTEXTS, 'steps'];
const MAX_DEPTH = 24;
/** Keys of the `git` context; typed against GitContext so the two cannot drift apart. */
const GIT_KEYS: Record<keyof GitContext, true> = {
  event: true, branch: true, base_branch: true, tag: true, ref: true, sha: true, sha_short: true, message: true, author: true, repository: true,
};
const GIT_PROPERTIES = Object.keys(GIT_KEYS);

export function checkExpressions(ctx: LintContext): void {
  const root = asRecord(ctx.root);
  const top: Scope = { contexts: TOP_CONTEXTS };
  walkStrings(ctx, root.env, ['env'], top);
  walkStrings(ctx, asRecord(root.concurrency).group, ['concurrency', 'group'], { contexts: ['git', 'inputs'] });
  walkStrings(ctx, root.notify, ['notify'], top);
  for (const [name, job] of jobsOf(ctx.root)) checkJob(ctx, name, job);
}

function checkJob(ctx: LintContext, name: string, job: Record<string, unknown>): void {
  const base = ['jobs', name];
  const axes = isRecord(job.matrix) ? matrixAxes(job.matrix) : undefined;
  const scope: Scope = { contexts: JOB_CONTEXTS, needs: new Set(needsOf(job).map((n) => n.name)), axes, job: name };
  for (const key of ['env', 'services', 'working_directory']) walkStrings(ctx, job[key], [...base, key], scope);
  // Cache keys and artifact names are stored and shown in plain text: no secrets.
  for (const key of ['cache', 'artifacts']) walkStrings(ctx, job[key], [...base, key], { ...scope, noSecrets: `a job's ${key}` });
  for (const key of ['name', 'environment', 'runs_on']) walkStrings(ctx, job[key], [...base, key], { ...scope, noSecrets: `a job's ${key}` });
  // The image reference decides where the job runs and shows in the UI: no secrets. Its registry
  // credentials are where secrets belong.
  if (isRecord(job.image)) {
    walkStrings(ctx, job.image.name, [...base, 'image', 'name'], { ...scope, noSecrets: "a job's image" });
    walkStrings(ctx, job.image.credentials, [...base, 'image', 'credentials'], scope);
  } else walkStrings(ctx, job.image, [...base, 'image'], { ...scope, noSecrets: "a job's image" });
  checkCondition(ctx, job.if, [...base, 'if'], { ...scope, noSecrets: "a job's if" });
  const steps = asArray(job.steps);
  const ids: string[] = [];
  steps.forEach((step, i) => {
    if (!isRecord(step)) return;
    const stepScope: Scope = { ...scope, contexts: STEP_CONTEXTS, stepIds: new Set(ids) };
    for (const [key, value] of Object.entries(step)) {
      if (key === 'if' || key === 'id') continue;
      walkStrings(ctx, value, [...base, 'steps', i, key], key === 'run' ? { ...stepScope, script: true } : stepScope);
    }
    checkCondition(ctx, step.if, [...base, 'steps', i, 'if'], stepScope);
    const id = asString(step.id);
    if (id !== undefined) ids.push(id);
  });
  walkStrings(ctx, job.outputs, [...base, 'outputs'], { ...scope, contexts: STEP_CONTEXTS, stepIds: new Set(ids) });
}

function matrixAxes(matrix: Record<string, unknown>): Set<string> {
  const axes = new Set(Object.keys(matrix).filter((k) => k !== 'include' && k !== 'exclude'));
  for (const entry of asArray(matrix.include)) for (const k of Object.keys(asRecord(entry))) axes.add(k);
  return axes;
}

/** Visits every string under `value` (bounded depth), checking it as a template. */
function walkStrings(ctx: LintContext, value: unknown, path: PathPart[], scope: Scope, depth = 0): void {
  if (depth > MAX_DEPTH) return;
  if (typeof value === 'string') {
    checkTemplateString(ctx, value, path, scope);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => walkStrings(ctx, v, [...path, i], scope, depth + 1));
  } else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) walkStrings(ctx, v, [...path, k], scope, depth + 1);
  }
}

function checkTemplateString(ctx: LintContext, text: string, path: PathPart[], scope: Scope): void {
  if (!text.includes('${{')) return;
  const problems = expr.checkTemplate(text, scope.contexts);
  for (const p of problems) ctx.report({ code: 'PIPELINE_BAD_EXPRESSION', path, message: p.message, hint: p.hint, at: { offset: p.offset } });
  if (problems.length > 0) return;
  for (const part of expr.templateExpressions(text)) checkReferences(ctx, part.text, part.offset, path, scope);
}

function checkCondition(ctx: LintContext, value: unknown, path: PathPart[], scope: Scope): void {
  if (value === false || (typeof value === 'string' && /^\s*(\$\{\{\s*false\s*\}\}|false)\s*$/.test(value))) {
    ctx.report({ code: 'PIPELINE_NEVER_RUNS', path, message: `${path.includes('steps') ? 'step' : 'job'} has 'if: false' and never runs`, hint: 'remove it, or comment it out' });
    return;
  }
  if (typeof value !== 'string') return;
  const problems = expr.checkCondition(value, scope.contexts);
  for (const p of problems) ctx.report({ code: 'PIPELINE_BAD_EXPRESSION', path, message: p.message, hint: p.hint, at: { offset: p.offset } });
  if (problems.length > 0) return;
  const { source, offset } = expr.conditionExpression(value);
  checkReferences(ctx, source, offset, path, scope);
}

/** The `x` of `ctx.x` or `ctx['x']`, with the offset to blame. */
function memberOf(node: Expr, context: string): { name: string; offset: number } | undefined {
  if (node.kind === 'member' && node.object.kind === 'context' && node.object.name === context) return { name: node.property, offset: node.offset };
  if (node.kind === 'index' && node.object.kind === 'context' && node.object.name === context && node.index.kind === 'literal' && typeof node.index.value === 'string') {
    return { name: node.index.value, offset: node.index.offset };
  }
  return undefined;
}

function nodesOf(ast: Expr): Expr[] {
  const out: Expr[] = [];
  const stack: Expr[] = [ast];
  while (stack.length > 0 && out.length < 10_000) {
    const node = stack.pop()!;
    out.push(node);
    if (node.kind === 'member') stack.push(node.object);
    else if (node.kind === 'index') stack.push(node.object, node.index);
    else if (node.kind === 'unary') stack.push(node.operand);
    else if (node.kind === 'binary') stack.push(node.left, node.right);
    else if (node.kind === 'call') stack.push(...node.args);
  }
  return out;
}

function checkReferences(ctx: LintContext, source: string, base: number, path: PathPart[], scope: Scope): void {
  const parsed = expr.parseExpression(source);
  if (!parsed.ok) return;
  const report = (offset: number, message: string, hint?: string): void =>
    ctx.report({ code: 'PIPELINE_UNKNOWN_REFERENCE', path, message, hint, at: { offset: base + offset } });
  for (const node of nodesOf(parsed.ast)) {
    if (node.kind === 'context' && node.name === 'secrets' && scope.noSecrets !== undefined) {
      report(node.offset, `secrets are not available in ${scope.noSecrets}: it is decided before any secret is decrypted`,
        "test the secret in a step's if (steps see secrets), or use a non-secret input or variable here");
    }
    if (node.kind === 'context' && node.name === 'secrets' && scope.script) {
      ctx.report({
        code: 'PIPELINE_SECRET_IN_SCRIPT',
        path,
        message: 'a secret is used directly in run:',
        hint: 'pass it through env (env: { TOKEN: ${{ secrets.TOKEN }} }) and use "$TOKEN" in the script',
        at: { offset: base + node.offset },
      });
    }
    const need = memberOf(node, 'needs');
    if (need && scope.needs && !scope.needs.has(need.name)) {
      const listed = [...scope.needs];
      report(need.offset, `needs.${need.name}: job '${scope.job}' does not need '${need.name}'`, listed.length ? `its needs are: ${listed.join(', ')}; add '${need.name}' to needs` : `add 'needs: [${need.name}]' to job '${scope.job}'`);
    }
    const axis = memberOf(node, 'matrix');
    if (axis && scope.job !== undefined) {
      if (!scope.axes) report(axis.offset, `matrix.${axis.name}: job '${scope.job}' has no matrix`);
      else if (!scope.axes.has(axis.name)) report(axis.offset, `matrix.${axis.name}: '${axis.name}' is not an axis of job '${scope.job}'`, `axes: ${[...scope.axes].join(', ')}`);
    }
    const gitProperty = memberOf(node, 'git');
    if (gitProperty && !GIT_PROPERTIES.includes(gitProperty.name)) {
      report(gitProperty.offset, `git.${gitProperty.name}: the git context has no '${gitProperty.name}'`, didYouMean(gitProperty.name, GIT_PROPERTIES) ?? `known: ${GIT_PROPERTIES.join(', ')}`);
    }
    const step = memberOf(node, 'steps');
    if (step && scope.stepIds && !scope.stepIds.has(step.name)) {
      const known = [...scope.stepIds];
      report(step.offset, `steps.${step.name}: no earlier step has id '${step.name}'`, known.length ? `earlier step ids: ${known.join(', ')}` : "give the step that writes the output an 'id:'");
    }
  }
}
