// The run's jobs as a graph: dagre computes a layered layout (left to right along `needs`), drawn as SVG.
// Matrix instances (`test (node: 20)`) sit inside one box named for their job. Each node is a link to the
// job's log, so the graph is usable with Tab and Enter.
import { Graph, layout } from '@dagrejs/dagre';
import type { JobView } from '../../src/api-client/types.js';
import { path } from './api.js';
import { elapsed, STATUS_ICON } from './format.js';

const NODE_W = 200;
const NODE_H = 48;

/** `test (node: 20)` → `test`; plain job ids are their own group. */
const groupOf = (id: string): string => id.replace(/ \(.*\)$/, '');

interface Laid {
  nodes: { job: JobView; x: number; y: number }[];
  groups: { name: string; x: number; y: number; width: number; height: number }[];
  edges: { points: { x: number; y: number }[] }[];
  width: number;
  height: number;
}

function lay(jobs: JobView[]): Laid {
  const g = new Graph({ compound: true });
  g.setGraph({ rankdir: 'LR', nodesep: 16, ranksep: 48, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(jobs.map((j) => j.id));
  const byGroup = new Map<string, string[]>();
  for (const job of jobs) {
    g.setNode(job.id, { width: NODE_W, height: NODE_H });
    const group = groupOf(job.id);
    if (group !== job.id) byGroup.set(group, [...(byGroup.get(group) ?? []), job.id]);
  }
  for (const [group, members] of byGroup) {
    g.setNode(`group:${group}`, {});
    for (const member of members) g.setParent(member, `group:${group}`);
  }
  for (const job of jobs) {
    for (const need of job.needs) {
      // A need names a job id, or a matrix job by its base name (then every instance).
      const sources = ids.has(need) ? [need] : (byGroup.get(need) ?? []);
      for (const source of sources) g.setEdge(source, job.id);
    }
  }
  layout(g);
  const graph = g.graph();
  return {
    nodes: jobs.map((job) => {
      const n = g.node(job.id);
      return { job, x: n.x - NODE_W / 2, y: n.y - NODE_H / 2 };
    }),
    groups: [...byGroup.keys()].map((name) => {
      const n = g.node(`group:${name}`);
      return { name, x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height };
    }),
    edges: g.edges().map((e) => ({ points: g.edge(e).points ?? [] })),
    width: graph.width ?? 0,
    height: graph.height ?? 0,
  };
}

export function RunGraph({ project, run, jobs }: { project: string; run: number; jobs: JobView[] }) {
  if (jobs.length === 0) return <p class="muted">No jobs yet.</p>;
  const laid = lay(jobs);
  return (
    <div class="dag-scroll">
      <svg class="dag" width={laid.width} height={laid.height + 16} viewBox={`0 -8 ${laid.width} ${laid.height + 16}`} role="group" aria-label="Job graph">
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
          </marker>
        </defs>
        {laid.groups.map((g) => (
          <g key={g.name} class="dag-group">
            <rect x={g.x} y={g.y - 8} width={g.width} height={g.height + 8} rx={8} />
            <text x={g.x + 8} y={g.y + 4}>{g.name}</text>
          </g>
        ))}
        {laid.edges.map((e, i) => (
          <polyline key={i} class="dag-edge" points={e.points.map((p) => `${p.x},${p.y}`).join(' ')} marker-end="url(#arrow)" />
        ))}
        {laid.nodes.map(({ job, x, y }) => (
          <a key={job.id} href={`/projects/${path(project)}/runs/${run}/jobs/${path(job.id)}`} class={`dag-node s-${job.status}`} data-job={job.id}>
            <rect x={x} y={y} width={NODE_W} height={NODE_H} rx={6} />
            {/* The link's name is its visible text (WCAG 2.5.3): the id, then status and time; the icon repeats the status. */}
            <text x={x + 12} y={y + 20} class="dag-icon" aria-hidden="true">
              {STATUS_ICON[job.status]}
            </text>
            <text x={x + 32} y={y + 20} class="dag-name">{job.id.length > 22 ? `${job.id.slice(0, 21)}…` : job.id}</text>
            <text x={x + 32} y={y + 38} class="dag-meta">
              {job.status} · {elapsed(job.startedAt, job.durationMs)}
            </text>
          </a>
        ))}
      </svg>
    </div>
  );
}
