/**
 * Golden plans: every folder under test/fixtures/plans holds a `.gantry.yml`, the `event.json` to
 * compile it for, optionally `options.json` (CompileOptions), and the exact `plan.json` compile
 * must produce (JSON.stringify(plan, null, 2)). The file goes through the real loadPipeline, so
 * these also prove that what lint accepts compiles. Regenerate after an intended change with:
 *   UPDATE_GOLDEN=1 node scripts/run-tests.mjs test/golden-plans.test.ts
 * and review the diff like code.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatDiagnostic } from '../src/core/index.js';
import { compilePipeline, type CompileOptions } from '../src/pipeline/compile.js';
import type { GitEvent } from '../src/pipeline/event.js';
import { loadPipeline } from '../src/pipeline/load.js';

const root = fileURLToPath(new URL('./fixtures/plans/', import.meta.url));
const cases = readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
const update = process.env.UPDATE_GOLDEN === '1';

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

function render(caseName: string): string {
  const dir = join(root, caseName);
  const loaded = loadPipeline(readFileSync(join(dir, '.gantry.yml'), 'utf8'), '.gantry.yml');
  assert.ok(loaded.loaded, `the fixture must load:\n${loaded.diagnostics.map(formatDiagnostic).join('\n')}`);
  const event = readJson<GitEvent>(join(dir, 'event.json'));
  const optionsFile = join(dir, 'options.json');
  const options = existsSync(optionsFile) ? readJson<CompileOptions>(optionsFile) : undefined;
  const result = compilePipeline(loaded.loaded, event, options);
  assert.ok(result.plan, `compile failed:\n${result.diagnostics.map(formatDiagnostic).join('\n')}`);
  // Same input, same bytes: compile twice to catch any dependence on hidden state.
  const again = compilePipeline(loaded.loaded, event, options);
  const text = `${JSON.stringify(result.plan, null, 2)}\n`;
  assert.equal(`${JSON.stringify(again.plan, null, 2)}\n`, text, 'compile is not deterministic');
  return text;
}

assert.ok(cases.length >= 8, 'expected at least 8 golden plan fixtures');

for (const caseName of cases) {
  test(`golden plan: ${caseName}`, () => {
    const text = render(caseName);
    const expectedFile = join(root, caseName, 'plan.json');
    if (update) writeFileSync(expectedFile, text);
    assert.ok(existsSync(expectedFile), `${expectedFile} is missing; run with UPDATE_GOLDEN=1 to create it`);
    assert.equal(text, readFileSync(expectedFile, 'utf8'), `plan for ${caseName} changed; if intended, rerun with UPDATE_GOLDEN=1 and review the diff`);
  });
}
