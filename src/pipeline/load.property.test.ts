import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { loadPipeline } from './load.js';

/** Per-input time bound: generous for a 2-core machine under a load of ~15 (200 ms flaked there; the OS alone has stalled a process ~1 s), still catches blow-ups. */
const BOUND_MS = 3000;

function check(text: string): void {
  const started = performance.now();
  const result = loadPipeline(text, 'p.yml');
  const elapsed = performance.now() - started;
  assert.ok(elapsed < BOUND_MS, `took ${elapsed.toFixed(0)} ms for ${JSON.stringify(text.slice(0, 200))}`);
  assert.ok(Array.isArray(result.diagnostics));
  for (const d of result.diagnostics) {
    assert.ok(Number.isInteger(d.line) && d.line >= 1, `line ${d.line}`);
    assert.ok(Number.isInteger(d.column) && d.column >= 1, `column ${d.column}`);
    assert.notEqual(d.code, 'PIPELINE_LINT_FAULT', `a check crashed: ${d.message}`);
    assert.equal(d.file, 'p.yml');
  }
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  assert.equal(result.loaded === undefined, errors.length > 0, 'loaded exactly when there are no errors');
}

const keys = fc.constantFrom('version', 'on', 'jobs', 'steps', 'run', 'needs', 'if', 'env', 'matrix', 'timeout', 'retry', 'max', 'push',
  'branches', 'cron', 'schedule', 'id', 'outputs', 'include', 'exclude', 'build', 'uses', 'a', 'b', 'x y', '${{');
const scalars = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('${{ git.branch }}', '${{ needs.a.outputs.x', "${{ matrix.os == 'x' }}", '[abc', '61 * * * *', '20m', 'soon', 'a', 'b', '${{ secrets.T }}'),
);
const tree = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, scalars, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(keys, tie('node'), { maxKeys: 5 })),
})).node;

test('loadPipeline never throws on arbitrary text, and stays fast', () => {
  fc.assert(fc.property(fc.string({ maxLength: 400 }), check), { numRuns: 300 });
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), check), { numRuns: 200 });
});

test('loadPipeline never throws on arbitrary YAML documents shaped like pipelines', () => {
  const pipelineish = fc.record({ version: fc.oneof(fc.constant(1), scalars), jobs: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), tree, { maxKeys: 4 }) }, { requiredKeys: [] });
  fc.assert(fc.property(fc.oneof(tree, pipelineish), (doc) => check(stringify(doc))), { numRuns: 300 });
});

test('loadPipeline never throws on YAML-ish fragments glued together', () => {
  const fragment = fc.constantFrom('version: 1\n', 'jobs:\n', '  a:\n', '    steps:\n', '      - run: |\n', '          echo ${{ x }}\n', '- ', '[', ']', '{', '}', ': ', '&a ', '*a ', '"', "'", '\t', '#', '\n', '  ', '${{', '}}', '|', '>');
  fc.assert(fc.property(fc.array(fragment, { maxLength: 60 }), (parts) => check(parts.join(''))), { numRuns: 400 });
});
