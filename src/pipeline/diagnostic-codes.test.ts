import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DIAGNOSTIC_CODES } from './diagnostic-codes.js';

const docs = readFileSync(fileURLToPath(new URL('../../docs/pipeline.md', import.meta.url)), 'utf8');
const section = docs.slice(docs.indexOf('\n## Diagnostics'));

test('docs/pipeline.md lists every diagnostic code with its severity and description', () => {
  assert.ok(section.length > 20, 'docs/pipeline.md needs a "## Diagnostics" section');
  for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) {
    const row = section.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
    assert.ok(row, `${code} is missing from the Diagnostics section of docs/pipeline.md`);
    assert.equal(row, `| \`${code}\` | ${info.severity} | ${info.description} |`, `the docs row of ${code} differs from the registry`);
  }
});

test('the Diagnostics section documents no code the registry lacks, and codes are well formed', () => {
  const documented = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]!);
  assert.deepEqual(documented.filter((c) => !(c in DIAGNOSTIC_CODES)), []);
  assert.equal(new Set(documented).size, documented.length, 'a code is listed twice');
  for (const code of Object.keys(DIAGNOSTIC_CODES)) assert.match(code, /^PIPELINE_[A-Z_]+$/);
});
