import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePipeline, loadPipeline } from '../pipeline/index.js';
import type { Plan } from '../pipeline/index.js';
import { runFake } from './test-support.js';

function compile(yaml: string): Plan {
  const loaded = loadPipeline(yaml, '.gantry.yml');
  assert.ok(loaded.loaded, JSON.stringify(loaded.diagnostics));
  const compiled = compilePipeline(loaded.loaded, { name: 'push', branch: 'main', sha: 'b'.repeat(40) });
  assert.ok(compiled.plan, JSON.stringify(compiled.diagnostics));
  return compiled.plan;
}

test('a compiled plan runs: matrix needs merge by key, run-time conditions, always() after failure', async () => {
  const plan = compile(`
version: 1
on: { push: {} }
jobs:
  test:
    matrix: { node: [20, 22] }
    steps: [{ run: npm test }]
  build:
    needs: [test]
    steps: [{ run: make }]
  publish:
    needs: [build]
    if: needs.build.outputs.kind == 'lib'
    steps: [{ run: publish }]
  app:
    needs: [build]
    if: \${{ needs.build.outputs.kind == 'app' }}
    steps: [{ run: ship }]
  lint:
    steps: [{ run: lint }]
  report:
    needs: [lint]
    if: always()
    steps: [{ run: report }]
`);
  const ids = plan.jobs.map((job) => job.id);
  const testIds = ids.filter((id) => id.startsWith('test'));
  assert.equal(testIds.length, 2);
  const run = await runFake(plan, {
    [testIds[0]!]: { outputs: { v: 'a' } },
    [testIds[1]!]: { durationMs: 30, outputs: { v: 'b' } },
    build: { outputs: { kind: 'lib' } },
    lint: { durationMs: 200, status: 'failure' },
  });
  const jobs = run.result.jobs;
  assert.equal(jobs.publish!.status, 'success');
  assert.equal(jobs.app!.status, 'skipped');
  assert.equal(jobs.report!.status, 'success');
  assert.equal(jobs.lint!.status, 'failure');
  assert.equal(run.result.status, 'failure');
  const build = run.executor.calls.find((c) => c.job === 'build')!;
  assert.deepEqual(build.needs, { test: { result: 'success', outputs: { v: 'b' } } });
  assert.equal(build.start, 30, 'build waited for every matrix instance');
});

test('a boolean input means the same at run time as at compile time (false is not the string "false")', async () => {
  const yaml = `
version: 1
on: { manual: { inputs: { dry_run: { type: boolean, default: false } } } }
jobs:
  build:
    steps: [{ run: make }]
  publish:
    needs: [build]
    if: needs.build.result == 'success' && !inputs.dry_run
    steps: [{ run: publish }]
`;
  const loaded = loadPipeline(yaml, '.gantry.yml');
  assert.ok(loaded.loaded, JSON.stringify(loaded.diagnostics));
  for (const [given, expected] of [['false', 'success'], ['true', 'skipped']] as const) {
    const { plan } = compilePipeline(loaded.loaded, { name: 'manual', branch: 'main', sha: '', inputs: { dry_run: given } });
    assert.ok(plan);
    assert.equal(plan.jobs.find((j) => j.id === 'publish')!.condition !== undefined, true, 'decided at run time');
    const run = await runFake(plan);
    assert.equal(run.result.jobs.publish!.status, expected, `dry_run=${given}`);
  }
});
