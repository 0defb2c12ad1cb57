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

const tapFile = join(mkdtempSync(join(tmpdir(), 'gantry-tests-')), 'report.tap');
const result = spawnSync(
  process.execPath,
  [
    '--import', 'tsx',
    '--test',
    '--test-concurrency=3',
    // A hung test fails after this long instead of stalling the whole run (node:test has no limit).
    '--test-timeout=120000',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
    ...files,
  ],
  { stdio: 'inherit' },
);

const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
const count = (name) => Number((tap.match(new RegExp(`^# ${name} (\\d+)$`, "m")) ?? [])[1] ?? 0);
const tests = count('tests');
const passed = count('pass');
const failed = count('fail');
console.log(`\nrun-tests: ${files.length} files, ${tests} tests`);
console.log(`${passed} passed, ${failed} failed`);
if (tests === 0) {
  console.error('run-tests: zero tests ran — treating as failure');
  process.exit(1);
}
process.exit(result.status ?? 1);
