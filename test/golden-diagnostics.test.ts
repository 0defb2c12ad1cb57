/**
 * Golden diagnostics: every folder under test/fixtures/diagnostics holds a `.gantry.yml` and the
 * exact diagnostics loadPipeline must print for it (`expected.txt`, formatDiagnostic lines, then
 * `loaded: yes|no`). Regenerate after an intended change with:
 *   UPDATE_GOLDEN=1 node scripts/run-tests.mjs test/golden-diagnostics.test.ts
 * and review the diff like code.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatDiagnostic } from '../src/core/index.js';
import { DIAGNOSTIC_CODES } from '../src/pipeline/diagnostic-codes.js';
import { loadPipeline } from '../src/pipeline/load.js';

const root = fileURLToPath(new URL('./fixtures/diagnostics/', import.meta.url));
const cases = readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
const update = process.env.UPDATE_GOLDEN === '1';

function render(caseName: string): { text: string; codes: string[] } {
  const source = readFileSync(join(root, caseName, '.gantry.yml'), 'utf8');
  const result = loadPipeline(source, '.gantry.yml');
  const lines = result.diagnostics.map(formatDiagnostic);
  lines.push(`loaded: ${result.loaded ? 'yes' : 'no'}`);
  return { text: `${lines.join('\n')}\n`, codes: result.diagnostics.map((d) => d.code) };
}

const seenCodes = new Set<string>();

for (const caseName of cases) {
  test(`golden diagnostics: ${caseName}`, () => {
    const { text, codes } = render(caseName);
    codes.forEach((c) => seenCodes.add(c));
    const expectedFile = join(root, caseName, 'expected.txt');
    if (update) writeFileSync(expectedFile, text);
    assert.ok(existsSync(expectedFile), `${expectedFile} is missing; run with UPDATE_GOLDEN=1 to create it`);
    assert.equal(text, readFileSync(expectedFile, 'utf8'), `diagnostics for ${caseName} changed; if intended, rerun with UPDATE_GOLDEN=1 and review the diff`);
  });
}

// Codes that cannot sensibly live in a fixture file are covered by unit tests in src/pipeline/load.test.ts.
// Unit-tested elsewhere: the size limit in load.test.ts; codes raised only by compile (they depend
// on the event, inputs or --job) in src/pipeline/compile.test.ts; LINT_FAULT must never appear.
const NOT_IN_FIXTURES = new Set([
  'PIPELINE_FILE_TOO_LARGE',
  'PIPELINE_LINT_FAULT',
  ...['BAD_SHELL', 'BAD_INPUT', 'DUPLICATE_JOB_ID', 'EXPRESSION_FAILED', 'UNKNOWN_JOB'].map((c) => `PIPELINE_${c}`),
]);

test('golden fixtures cover every diagnostic code', () => {
  for (const caseName of cases) render(caseName).codes.forEach((c) => seenCodes.add(c));
  const missing = Object.keys(DIAGNOSTIC_CODES).filter((c) => !seenCodes.has(c) && !NOT_IN_FIXTURES.has(c));
  assert.deepEqual(missing, [], `no golden fixture produces: ${missing.join(', ')}`);
});

test('the many-problems fixture reports many problems at once', () => {
  const { codes } = render('many-problems');
  assert.ok(new Set(codes).size >= 10, `expected at least 10 distinct codes, got ${[...new Set(codes)].join(', ')}`);
});
