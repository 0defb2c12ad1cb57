import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { makeRepo, runGantry } from './helpers.js';

const golden = (name: string) => fileURLToPath(new URL(`./golden/${name}`, import.meta.url));

test('gantry lint prints compiler-style diagnostics with hints and counts; exit 1 on errors', async () => {
  const dir = makeRepo({ 'ok.yml': 'version: 1\njobs:\n  a: { steps: [{ run: "true" }] }\n' });
  copyFileSync(golden('broken.yml'), join(dir, 'broken.yml'));
  const r = await runGantry(['lint', 'broken.yml'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, readFileSync(golden('broken.lint.txt'), 'utf8'));
  const ok = await runGantry(['lint', 'ok.yml'], { cwd: dir });
  assert.equal(ok.code, 0);
  assert.equal(ok.stdout, 'ok.yml: 0 errors, 0 warnings\n');
  const json = await runGantry(['lint', 'broken.yml', '--json'], { cwd: dir });
  const parsed = JSON.parse(json.stdout) as { errors: number; diagnostics: { code: string; line: number }[] };
  assert.equal(parsed.errors, parsed.diagnostics.length);
  assert.ok(parsed.diagnostics.some((d) => d.code === 'PIPELINE_UNKNOWN_KEY' && d.line === 4));
});

const PIPELINE = `version: 1
on:
  push: { branches: [main] }
  tag: { patterns: ["v*"] }
jobs:
  build: { steps: [{ name: compile, run: "true" }] }
  test:
    needs: [build]
    matrix: { node: [20, 22] }
    steps: [{ run: "true" }]
  release:
    needs: [test]
    if: git.tag != ''
    steps: [{ run: "true" }]
`;

test('gantry plan lists what runs in order, and why the rest does not', async () => {
  const dir = makeRepo({ '.gantry.yml': PIPELINE });
  const main = await runGantry(['plan', '--event', 'push', '--branch', 'main'], { cwd: dir });
  assert.equal(main.code, 0, main.stderr);
  assert.match(main.stdout, /trigger: matched/);
  assert.match(main.stdout, /1\. build\n\s+steps: compile\n\s+2\. test \(node: 20\)\n\s+needs: build\n\s+matrix: node=20/);
  assert.match(main.stdout, /will not run \(1\):\n\s+release — if: git\.tag != '' was false/);

  const feature = await runGantry(['plan', '--branch', 'feature/x'], { cwd: dir });
  assert.match(feature.stdout, /trigger: not matched/);
  assert.match(feature.stdout, /will run \(0 jobs\)/);
  assert.match(feature.stdout, /^\s+build — .*feature\/x.*main/m);

  const tag = await runGantry(['plan', '--tag', 'v1.0.0', '--json'], { cwd: dir });
  const parsed = JSON.parse(tag.stdout) as { run: { id: string }[]; skipped: unknown[] };
  assert.deepEqual(parsed.run.map((j) => j.id), ['build', 'test (node: 20)', 'test (node: 22)', 'release']);
  assert.deepEqual(parsed.skipped, []);
});

test('gantry graph prints the DAG as mermaid, skipped jobs styled apart', async () => {
  const dir = makeRepo({ '.gantry.yml': PIPELINE });
  const r = await runGantry(['graph', '--branch', 'main'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    [
      'flowchart LR',
      '  j0["build"]',
      '  j1["test (node: 20)"]',
      '  j2["test (node: 22)"]',
      '  j3["release (skipped)"]',
      '  j0 --> j1',
      '  j0 --> j2',
      '  j1 --> j3',
      '  j2 --> j3',
      '  classDef skipped fill:#f4f4f4,stroke:#999,stroke-dasharray:4 4,color:#888',
      '  class j3 skipped',
      '',
    ].join('\n'),
  );
  const dot = await runGantry(['graph', '--format', 'dot', '--tag', 'v2'], { cwd: dir });
  assert.match(dot.stdout, /^digraph gantry \{/);
  assert.doesNotMatch(dot.stdout, /skipped/);
  const bad = await runGantry(['graph', '--format', 'svg'], { cwd: dir });
  assert.equal(bad.code, 2);
});
