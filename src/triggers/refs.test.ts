import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffRefs, parseLsRemote } from './refs.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const Z = '0'.repeat(40);

test('parseLsRemote keeps branches and tags; an annotated tag maps to its peeled commit', () => {
  const out = [`${A}\tHEAD`, `${A}\trefs/heads/main`, `${B}\trefs/heads/feature/x`, `${C}\trefs/tags/v1`, `${A}\trefs/tags/v1^{}`, `${B}\trefs/tags/light`, `${C}\trefs/notes/commits`, 'garbage', ''].join('\n');
  assert.deepEqual([...parseLsRemote(out)], [
    ['refs/heads/main', A],
    ['refs/heads/feature/x', B],
    ['refs/tags/v1', A],
    ['refs/tags/light', B],
  ]);
});

test('diffRefs reports new, moved and deleted refs, sorted; unchanged refs are not reported', () => {
  const previous = new Map([['refs/heads/main', A], ['refs/heads/old', B], ['refs/tags/v1', C]]);
  const current = new Map([['refs/heads/main', B], ['refs/heads/new', C], ['refs/tags/v1', C]]);
  assert.deepEqual(diffRefs(previous, current), [
    { ref: 'refs/heads/main', before: A, after: B },
    { ref: 'refs/heads/new', before: Z, after: C },
    { ref: 'refs/heads/old', before: B, after: Z },
  ]);
  assert.deepEqual(diffRefs(current, current), []);
});
