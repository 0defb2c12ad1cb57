import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandMatrix, instanceId, type MatrixSpec } from './matrix.js';

function combos(spec: MatrixSpec, max?: number) {
  const result = expandMatrix(spec, max);
  assert.ok(result.ok, result.ok ? '' : result.message);
  return result.combinations;
}

describe('expandMatrix', () => {
  it('takes the product of the axes, first axis outermost', () => {
    assert.deepEqual(combos({ os: ['linux', 'mac'], node: [20, 22] }), [
      { os: 'linux', node: 20 },
      { os: 'linux', node: 22 },
      { os: 'mac', node: 20 },
      { os: 'mac', node: 22 },
    ]);
  });

  it('excludes by partial match', () => {
    assert.deepEqual(combos({ os: ['linux', 'mac'], node: [20, 22], exclude: [{ os: 'mac', node: 20 }] }), [
      { os: 'linux', node: 20 },
      { os: 'linux', node: 22 },
      { os: 'mac', node: 22 },
    ]);
    assert.deepEqual(combos({ os: ['linux', 'mac'], node: [20, 22], exclude: [{ node: 20 }] }), [
      { os: 'linux', node: 22 },
      { os: 'mac', node: 22 },
    ]);
  });

  it('include extends matching combinations and adds the others', () => {
    const result = combos({
      node: [20, 22],
      include: [{ node: 22, experimental: true }, { node: 24 }, { label: 'all' }],
    });
    assert.deepEqual(result, [
      { node: 20, label: 'all' },
      { node: 22, experimental: true, label: 'all' },
      { node: 24 },
    ]);
  });

  it('include never changes an original axis value: a conflicting entry is a new combination', () => {
    const result = combos({ os: ['linux'], node: [20], include: [{ os: 'mac', node: 20 }] });
    assert.deepEqual(result, [{ os: 'linux', node: 20 }, { os: 'mac', node: 20 }]);
  });

  it('an include-only matrix is its entries', () => {
    assert.deepEqual(combos({ include: [{ a: 1 }, { a: 2, b: 'x' }] }), [{ a: 1 }, { a: 2, b: 'x' }]);
  });

  it('refuses a matrix over the limit without building it', () => {
    const big: MatrixSpec = {
      a: Array.from({ length: 100 }, (_, i) => i),
      b: Array.from({ length: 100 }, (_, i) => i),
      c: Array.from({ length: 100 }, (_, i) => i),
    };
    const result = expandMatrix(big);
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.reason === 'too-large');
    assert.match(!result.ok ? result.message : '', /1000000 combinations \(a: 100 × b: 100 × c: 100\), more than the limit of 256/);
    assert.equal(expandMatrix({ a: [1, 2, 3] }, 2).ok, false);
    assert.equal(expandMatrix({ a: [1, 2], include: [{ a: 3 }] }, 2).ok, false);
  });

  it('applies the limit after excludes', () => {
    const result = expandMatrix({ a: [1, 2, 3], b: [1, 2], exclude: [{ a: 3 }] }, 4);
    assert.ok(result.ok);
    assert.equal(result.combinations.length, 4);
  });

  it('reports an empty matrix', () => {
    const result = expandMatrix({ a: [1], exclude: [{ a: 1 }] });
    assert.ok(!result.ok && result.reason === 'empty');
  });

  it('names instances with values in key order', () => {
    assert.equal(instanceId('test', { node: 22 }), 'test (node: 22)');
    assert.equal(instanceId('test', { node: 22, os: 'linux' }), 'test (node: 22, os: linux)');
  });
});
