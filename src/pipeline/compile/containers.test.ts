import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePipeline } from '../compile.js';
import { loadPipeline } from '../load.js';
import { loadForTest } from './test-helpers.js';

const push = { name: 'push', branch: 'main', sha: 'c'.repeat(40) } as const;

function artifactsOf(block: string) {
  const compiled = compilePipeline(loadForTest(`version: 1\njobs:\n  t:\n    artifacts: ${block}\n    steps: [{ run: x }]\n`), push);
  assert.ok(compiled.plan, JSON.stringify(compiled.diagnostics));
  return compiled.plan.jobs[0]!.artifacts;
}

test('artifacts: name defaults to the job id, retention becomes milliseconds, when is kept unless it is the default', () => {
  assert.deepEqual(artifactsOf('{ paths: [dist/] }'), { name: 't', paths: ['dist/'] });
  assert.deepEqual(artifactsOf('{ name: web, paths: [a, b], retention: 2d, when: on_success }'), { name: 'web', paths: ['a', 'b'], retentionMs: 2 * 86_400_000 });
  assert.deepEqual(artifactsOf('{ paths: [report.xml], when: on_failure }'), { name: 't', paths: ['report.xml'], when: 'on_failure' });
  assert.deepEqual(artifactsOf('{ paths: [report.xml], when: always }'), { name: 't', paths: ['report.xml'], when: 'always' });
});

test('artifacts: an unknown `when` is an error at its position, listing the values', () => {
  const loaded = loadPipeline('version: 1\njobs:\n  t:\n    artifacts: { paths: [a], when: sometimes }\n    steps: [{ run: x }]\n', '.gantry.yml');
  assert.equal(loaded.loaded, undefined);
  const problem = loaded.diagnostics.find((d) => d.severity === 'error');
  assert.ok(problem, JSON.stringify(loaded.diagnostics));
  assert.equal(problem.line, 4);
  assert.match(problem.message, /on_success.*on_failure.*always/);
});
