import { asArray, asString, isRecord, jobsOf, type LintContext } from './context.js';

const KINDS = ['run', 'build', 'deploy', 'uses'] as const;

/** Each step has exactly one kind (run/build/deploy/uses); step ids are unique within a job. */
export function checkSteps(ctx: LintContext): void {
  for (const [name, job] of jobsOf(ctx.root)) {
    const ids = new Set<string>();
    asArray(job.steps).forEach((step, i) => {
      if (!isRecord(step)) return;
      const path = ['jobs', name, 'steps', i];
      const kinds = KINDS.filter((k) => step[k] !== undefined);
      if (kinds.length === 0) {
        ctx.report({
          code: 'PIPELINE_STEP_KIND',
          path,
          message: `step ${i + 1} of job '${name}' does nothing: it has none of run, build, deploy or uses`,
          hint: 'add e.g. `run: npm test`',
        });
      } else if (kinds.length > 1) {
        ctx.report({
          code: 'PIPELINE_STEP_KIND',
          path: [...path, kinds[1]!],
          message: `step ${i + 1} of job '${name}' has both '${kinds[0]}' and '${kinds[1]}'; a step does one thing`,
          hint: 'split it into two steps',
          at: 'key',
        });
      }
      const id = asString(step.id);
      if (id === undefined) return;
      if (ids.has(id)) {
        ctx.report({ code: 'PIPELINE_DUPLICATE_STEP_ID', path: [...path, 'id'], message: `step id '${id}' is used twice in job '${name}'`, hint: 'step ids must be unique within a job' });
      }
      ids.add(id);
    });
  }
}
