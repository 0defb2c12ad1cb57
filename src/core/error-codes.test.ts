import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_CODES } from './error-codes.js';
import { GantryError, toGantryError } from './errors.js';

const docs = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const documented = [...docs.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (yes|no) \|/gm)];

test('every registered error code is documented in docs/errors.md with its status and retryability', () => {
  const byCode = new Map(documented.map((m) => [m[1], { status: Number(m[2]), retryable: m[3] === 'yes' }]));
  for (const [code, info] of Object.entries(ERROR_CODES)) {
    assert.deepEqual(byCode.get(code), { status: info.status, retryable: info.retryable }, `docs/errors.md row for ${code}`);
  }
});

test('docs/errors.md lists no unknown or duplicate codes', () => {
  const names = documented.map((m) => m[1]!);
  assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), [], 'duplicates');
  assert.deepEqual(names.filter((n) => !(n in ERROR_CODES)), [], 'documented but not registered');
});

test('codes follow AREA_WHAT', () => {
  for (const code of Object.keys(ERROR_CODES)) assert.match(code, /^[A-Z]+(_[A-Z]+)+$/);
});

test('GantryError carries status and retryability from the registry; toGantryError keeps the cause', () => {
  const err = new GantryError('RUNNER_SPAWN_FAILED', 'no shell');
  assert.equal(err.status, 500);
  assert.equal(err.retryable, true);
  const cause = new Error('boom');
  const wrapped = toGantryError(cause);
  assert.equal(wrapped.code, 'SYSTEM_INTERNAL');
  assert.equal(wrapped.cause, cause);
  assert.equal(toGantryError(err), err);
});
