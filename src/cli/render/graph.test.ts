import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Plan, PlanJob } from '../../pipeline/index.js';
import { renderGraph } from './graph.js';
import { topologicalOrder } from '../plan-order.js';

function job(id: string, needs: string[], skip?: string): PlanJob {
  const j = { id, key: id.split(' ')[0]!, name: id, needs, env: {}, timeoutMs: 1000, retry: { max: 0, backoffMs: 0, on: [] }, continueOnError: false, checkout: true, outputs: {}, steps: [], runsOn: [], line: 1 } as PlanJob;
  if (skip) j.skip = { reason: skip };
  return j;
}

const plan = {
  jobs: [job('deploy', ['test (node: "22")']), job('build', []), job('test (node: "22")', ['build']), job('docs', [], 'not selected')],
} as unknown as Plan;

test('mermaid output uses synthetic ids, escapes labels and styles skipped jobs', () => {
  assert.equal(
    renderGraph(plan, 'mermaid'),
    [
      'flowchart LR',
      '  j0["deploy"]',
      '  j1["build"]',
      '  j2["test (node: #34;22#34;)"]',
      '  j3["docs (skipped)"]',
      '  j2 --> j0',
      '  j1 --> j2',
      '  classDef skipped fill:#f4f4f4,stroke:#999,stroke-dasharray:4 4,color:#888',
      '  class j3 skipped',
    ].join('\n'),
  );
});

test('dot output quotes labels and dashes skipped jobs', () => {
  const dot = renderGraph(plan, 'dot');
  assert.match(dot, /j2 \[label="test \(node: \\"22\\"\)"\];/);
  assert.match(dot, /j3 \[label="docs\\n\(skipped\)", style="rounded,dashed"/);
  assert.match(dot, /j1 -> j2;/);
});

test('topological order puts needs first and keeps file order otherwise', () => {
  assert.deepEqual(topologicalOrder(plan.jobs).map((j) => j.id), ['build', 'test (node: "22")', 'deploy', 'docs']);
});
