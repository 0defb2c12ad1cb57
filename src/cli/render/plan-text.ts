import type { Plan, PlanJob } from '../../pipeline/index.js';
import { topologicalOrder } from '../plan-order.js';
import type { Style } from './style.js';

/** What `gantry plan` prints: the jobs that would run, in order, then every other job and why not. */
export function renderPlanText(plan: Plan, style: Style): string {
  const ordered = topologicalOrder(plan.jobs);
  const running = ordered.filter((job) => !job.skip);
  const skipped = plan.jobs.filter((job) => job.skip);
  const git = plan.context.git;
  const where = git.tag ? `tag ${git.tag}` : `branch ${git.branch || '(none)'}`;
  const lines = [
    `${style.bold('plan')} ${plan.file} for ${plan.event.name} on ${where}${git.sha_short ? ` at ${git.sha_short}` : ''}`,
    `trigger: ${plan.trigger.matched ? style.green('matched') : style.yellow('not matched')} — ${plan.trigger.reason}`,
    '',
    style.bold(`will run (${running.length} job${running.length === 1 ? '' : 's'}):`),
  ];
  running.forEach((job, i) => lines.push(...jobLines(job, i + 1, style)));
  if (running.length === 0) lines.push(style.dim('  (nothing)'));
  if (skipped.length > 0) {
    lines.push('', style.bold(`will not run (${skipped.length}):`));
    for (const job of skipped) lines.push(`  ${job.name} ${style.dim('—')} ${job.skip!.reason}`);
  }
  return lines.join('\n');
}

function jobLines(job: PlanJob, n: number, style: Style): string[] {
  const out = [`  ${n}. ${style.bold(job.name)}${job.name !== job.id ? style.dim(` [${job.id}]`) : ''}`];
  if (job.needs.length > 0) out.push(`       needs: ${job.needs.join(', ')}`);
  if (job.matrix) out.push(`       matrix: ${Object.entries(job.matrix).map(([k, v]) => `${k}=${String(v)}`).join(', ')}`);
  if (job.condition) out.push(`       if: ${job.condition}`);
  out.push(`       steps: ${job.steps.map((s) => s.name).join(' → ')}`);
  return out;
}

/** The `--json` form: the same facts, machine-readable, plus the full plan. */
export function planJson(plan: Plan): unknown {
  const ordered = topologicalOrder(plan.jobs);
  return {
    trigger: plan.trigger,
    event: plan.event,
    run: ordered
      .filter((job) => !job.skip)
      .map((job) => ({ id: job.id, name: job.name, needs: job.needs, matrix: job.matrix ?? null, steps: job.steps.map((s) => s.name) })),
    skipped: plan.jobs.filter((job) => job.skip).map((job) => ({ id: job.id, name: job.name, reason: job.skip!.reason })),
    plan,
  };
}
