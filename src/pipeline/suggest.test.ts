import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestMatch, didYouMean, editDistance } from './suggest.js';

test('edit distance counts an adjacent swap as one edit', () => {
  assert.equal(editDistance('needs', 'neds'), 1);
  assert.equal(editDistance('needs', 'nedes'), 1);
  assert.equal(editDistance('build', 'biuld'), 1);
  assert.equal(editDistance('abc', 'abc'), 0);
  assert.equal(editDistance('', 'abc'), 3);
});

test('suggestions are close, case- and dash-insensitive, and never wild guesses', () => {
  assert.equal(closestMatch('neds', ['name', 'needs', 'env']), 'needs');
  assert.equal(closestMatch('runs-on', ['runs_on', 'run']), 'runs_on');
  assert.equal(closestMatch('Timeout', ['timeout']), 'timeout');
  assert.equal(closestMatch('xyzzy', ['needs', 'steps', 'env']), undefined);
  assert.equal(closestMatch('a', ['b']), 'b', 'one edit is allowed even for very short words');
  assert.equal(didYouMean('stpes', ['steps']), "did you mean 'steps'?");
  assert.equal(didYouMean('zzz', ['steps']), undefined);
});

test('edit distance is bounded on huge input', () => {
  const long = 'x'.repeat(100_000);
  const started = Date.now();
  assert.equal(editDistance(long, 'y'), 100_000);
  assert.ok(Date.now() - started < 50);
});
