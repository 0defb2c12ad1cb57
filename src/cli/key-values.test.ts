import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseKeyValues } from './key-values.js';
import { exitCodeForError, exitCodeForRun } from './exit-codes.js';
import { literalTemplate, parseParallel } from './exec-options.js';

test('K=V flags keep = in values and reject a missing key', () => {
  assert.deepEqual(parseKeyValues('--env', ['A=1', 'B=x=y', 'C=']), { A: '1', B: 'x=y', C: '' });
  assert.throws(() => parseKeyValues('--env', ['=1']), /--env expects KEY=VALUE/);
  assert.throws(() => parseKeyValues('--input', ['novalue']), /--input expects KEY=VALUE/);
});

test('exit codes follow the documented table', () => {
  assert.equal(exitCodeForRun('success', false), 0);
  assert.equal(exitCodeForRun('failure', false), 1);
  assert.equal(exitCodeForRun('canceled', false), 1);
  assert.equal(exitCodeForRun('error', false), 4);
  assert.equal(exitCodeForRun('canceled', true), 130);
  assert.equal(exitCodeForError('PIPELINE_INVALID'), 3);
  assert.equal(exitCodeForError('CONFIG_INVALID'), 2);
  assert.equal(exitCodeForError('SYSTEM_INTERNAL'), 4);
  assert.equal(exitCodeForError('AUTH_INVALID_TOKEN'), 2, 'a wrong token is the caller\'s to fix');
  assert.equal(exitCodeForError('EXEC_UNKNOWN_JOB'), 2);
  assert.equal(exitCodeForError('API_UNREACHABLE'), 4);
  assert.equal(exitCodeForError('RUNNER_SPAWN_FAILED'), 4);
});

test('--parallel must be a whole number ≥ 1', () => {
  assert.equal(parseParallel('3'), 3);
  assert.ok(parseParallel(undefined) >= 1);
  assert.throws(() => parseParallel('0'), /--parallel/);
  assert.throws(() => parseParallel('1.5'), /--parallel/);
});

test('--env values containing ${{ stay literal text', () => {
  assert.equal(literalTemplate('plain'), 'plain');
  assert.equal(literalTemplate("${{ secrets.X }} it's"), "${{ '${{ secrets.X }} it''s' }}");
});
