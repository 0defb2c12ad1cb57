import type { Plan } from '../../pipeline/index.js';

/**
 * The plan's DAG as Mermaid or Graphviz DOT. Job ids contain spaces, parentheses and quotes
 * (matrix instances), so nodes get synthetic ids (`j0`, `j1`…) and the names go into escaped labels.
 * Jobs that will not run are drawn dashed and grey.
 */
export type GraphFormat = 'mermaid' | 'dot';

export function renderGraph(plan: Plan, format: GraphFormat): string {
  return format === 'dot' ? renderDot(plan) : renderMermaid(plan);
}

function nodeIds(plan: Plan): Map<string, string> {
  return new Map(plan.jobs.map((job, i) => [job.id, `j${i}`]));
}

/** Mermaid labels: entity codes for characters the parser would read as syntax. */
export function mermaidLabel(text: string): string {
  return text.replace(/[#"<>&]/g, (c) => `#${c.charCodeAt(0)};`);
}

function renderMermaid(plan: Plan): string {
  const ids = nodeIds(plan);
  const lines = ['flowchart LR'];
  for (const job of plan.jobs) {
    const label = job.skip ? `${job.name} (skipped)` : job.name;
    lines.push(`  ${ids.get(job.id)}["${mermaidLabel(label)}"]`);
  }
  for (const job of plan.jobs) {
    for (const need of job.needs) {
      const from = ids.get(need);
      if (from) lines.push(`  ${from} --> ${ids.get(job.id)}`);
    }
  }
  const skipped = plan.jobs.filter((job) => job.skip).map((job) => ids.get(job.id));
  if (skipped.length > 0) {
    lines.push('  classDef skipped fill:#f4f4f4,stroke:#999,stroke-dasharray:4 4,color:#888');
    lines.push(`  class ${skipped.join(',')} skipped`);
  }
  return lines.join('\n');
}

/** DOT string literal. */
export function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function renderDot(plan: Plan): string {
  const ids = nodeIds(plan);
  const lines = ['digraph gantry {', '  rankdir=LR;', '  node [shape=box, style=rounded];'];
  for (const job of plan.jobs) {
    const attrs = job.skip
      ? `label=${dotString(`${job.name}\n(skipped)`)}, style="rounded,dashed", color=gray, fontcolor=gray`
      : `label=${dotString(job.name)}`;
    lines.push(`  ${ids.get(job.id)} [${attrs}];`);
  }
  for (const job of plan.jobs) {
    for (const need of job.needs) {
      const from = ids.get(need);
      if (from) lines.push(`  ${from} -> ${ids.get(job.id)};`);
    }
  }
  lines.push('}');
  return lines.join('\n');
}
