import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findDeepNesting, MAX_NESTING } from './nesting-depth.js';

test('ordinary pipeline files are far below the limit', () => {
  const text = 'version: 1\njobs:\n  a:\n    steps:\n      - run: |\n          if [ -f x ]; then { echo "{{{{[[[["; }; fi\n      - build: { context: ., tags: ["a:${{ git.sha }}"] }\n';
  assert.equal(findDeepNesting(text), undefined);
});

test('block scalar content, quotes and comments do not count', () => {
  const script = `      ${'{'.repeat(500)}\n`;
  assert.equal(findDeepNesting(`a:\n  - run: |\n${script}b: 1\n`), undefined);
  assert.equal(findDeepNesting(`a: "${'['.repeat(500)}"\nb: '${'{'.repeat(500)}'\n# ${'['.repeat(500)}\n`), undefined);
});

test('deep flow, dash and indentation nesting is found, with the line', () => {
  assert.ok(findDeepNesting('['.repeat(MAX_NESTING + 1)));
  assert.equal(findDeepNesting('['.repeat(MAX_NESTING - 1)), undefined);
  assert.ok(findDeepNesting(`${'- '.repeat(MAX_NESTING + 1)}x`));
  const indented = Array.from({ length: MAX_NESTING + 2 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
  const spot = findDeepNesting(`version: 1\n${indented}`);
  assert.ok(spot && spot.depth > MAX_NESTING);
});
