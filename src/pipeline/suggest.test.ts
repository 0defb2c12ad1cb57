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

test('edit distance is bounded on huge input: past 256 characters it answers the longer length without comparing', () => {
  // The true distance here is 50,000 (one transposition per pair), and finding it would take 10^10 steps.
  assert.equal(editDistance('ab'.repeat(50_000), 'ba'.repeat(50_000)), 100_000);
});
