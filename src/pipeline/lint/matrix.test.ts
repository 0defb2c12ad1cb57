import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matrixSize } from './matrix.js';

test('matrix size: product of axes, minus excludes, plus includes that match nothing', () => {
  assert.equal(matrixSize({ node: [20, 22], os: ['linux', 'alpine'] }), 4);
  assert.equal(matrixSize({ node: [20, 22], os: ['linux', 'alpine'], exclude: [{ node: 20 }] }), 2);
  assert.equal(matrixSize({ node: [20, 22], include: [{ node: 22, extra: true }] }), 2, 'an include that matches only adds keys');
  assert.equal(matrixSize({ node: [20, 22], include: [{ node: 24 }] }), 3);
  assert.equal(matrixSize({ include: [{ a: 1 }, { a: 2 }] }), 2, 'include-only matrices');
  assert.equal(matrixSize({ os: [] }), 0);
  assert.equal(matrixSize({ a: Array(1000).fill(1), b: Array(1000).fill(1) }), undefined, 'not enumerated beyond the cap');
});
