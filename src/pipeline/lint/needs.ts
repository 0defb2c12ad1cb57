import { findCycle } from '../dag.js';
import { didYouMean } from '../suggest.js';
import { jobsOf, needsOf, type LintContext } from './context.js';

/** Unknown needs (with "did you mean"), a job needing itself, and dependency cycles (named). */
export function checkNeeds(ctx: LintContext): void {
  const jobs = jobsOf(ctx.root);
  const names = jobs.map(([name]) => name);
  const known = new Set(names);
  const graph = new Map<string, string[]>();
  for (const [name, job] of jobs) {
    const deps: string[] = [];
    for (const need of needsOf(job)) {
      const path = need.index === undefined ? ['jobs', name, 'needs'] : ['jobs', name, 'needs', need.index];
      if (need.name === name) {
        ctx.report({ code: 'PIPELINE_SELF_NEED', path, message: `job '${name}' needs itself`, hint: 'remove it from its own needs' });
      } else if (!known.has(need.name)) {
        const hint = didYouMean(need.name, names) ?? (names.length ? `jobs in this file: ${names.join(', ')}` : undefined);
        ctx.report({ code: 'PIPELINE_UNKNOWN_NEED', path, message: `job '${name}' needs '${need.name}', which is not a job in this file`, hint });
      } else {
        deps.push(need.name);
      }
    }
    graph.set(name, deps);
  }
  // Report each cycle once: after reporting, cut one of its edges and look again.
  for (let guard = 0; guard < names.length; guard++) {
    const cycle = findCycle(graph);
    if (!cycle) break;
    const [first, second] = cycle as [string, string];
    const index = needsOf(jobs.find(([n]) => n === first)?.[1]).find((n) => n.name === second)?.index;
    ctx.report({
      code: 'PIPELINE_CYCLE',
      path: index === undefined ? ['jobs', first, 'needs'] : ['jobs', first, 'needs', index],
      message: `dependency cycle: ${cycle.join(' → ')}`,
      hint: 'jobs in a cycle wait for each other forever; remove one of these needs',
    });
    graph.set(first, (graph.get(first) ?? []).filter((d) => d !== second));
  }
}
