#!/usr/bin/env node
// Runs every test file through node:test with tsx.
// Why a script: on Node 20, `node --test` given a folder or a glob of .ts files silently runs
// nothing and exits 0. We list the files ourselves and fail when no test ran at all.
// Usage: node scripts/run-tests.mjs [file-or-folder ...]   (default: src test)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['src', 'test'];

function collect(path, out) {
  if (!existsSync(path)) return out;
  if (statSync(path).isFile()) {
    out.push(path);
    return out;
  }
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = join(path, entry.name);
    if (entry.isDirectory()) collect(full, out);
    else if (/\.test\.tsx?$/.test(entry.name)) out.push(full);
  }
  return out;
}

const files = roots.flatMap((root) => collect(root, [])).sort();
if (files.length === 0) {
  console.error(`run-tests: no test files found under ${roots.join(', ')}`);
  process.exit(1);
}

// Files named *.perf.test.ts check a speed budget in wall-clock time. They run after the rest, one at a
// time, so the other test files' load does not count against the budget they measure.
const isPerf = (file) => /\.perf\.test\.tsx?$/.test(file);
const phases = [
  { files: files.filter((f) => !isPerf(f)), concurrency: 3 },
  { files: files.filter(isPerf), concurrency: 1 },
].filter((phase) => phase.files.length > 0);

const reportDir = mkdtempSync(join(tmpdir(), 'gantry-tests-'));
let status = 0;
let tests = 0;
let passed = 0;
let failed = 0;
phases.forEach((phase, i) => {
  const tapFile = join(reportDir, `report-${i}.tap`);
  const result = spawnSync(
    process.execPath,
    [
      '--import', 'tsx',
      '--test',
      `--test-concurrency=${phase.concurrency}`,
      // A hung test fails after this long instead of stalling the whole run (node:test has no limit).
      '--test-timeout=120000',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
      ...phase.files,
    ],
    { stdio: 'inherit' },
  );
  const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
  const count = (name) => Number((tap.match(new RegExp(`^# ${name} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  tests += count('tests');
  passed += count('pass');
  failed += count('fail');
  if (result.status !== 0) status = result.status ?? 1;
});
console.log(`\nrun-tests: ${files.length} files, ${tests} tests`);
console.log(`${passed} passed, ${failed} failed`);
if (tests === 0) {
  console.error('run-tests: zero tests ran — treating as failure');
  process.exit(1);
}
process.exit(status);
