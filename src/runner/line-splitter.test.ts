import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLineSplitter } from './line-splitter.js';

describe('createLineSplitter', () => {
  it('emits whole lines across chunks and the partial tail on flush', () => {
    const s = createLineSplitter();
    assert.deepEqual(s.push('a\nb'), ['a']);
    assert.deepEqual(s.push('c\r\n\nd'), ['bc', '']);
    assert.deepEqual(s.flush(), ['d']);
    assert.deepEqual(s.flush(), []);
  });

  it('cuts very long lines', () => {
    const s = createLineSplitter(4);
    assert.deepEqual(s.push('abcdefghij'), ['abcd', 'efgh']);
    assert.deepEqual(s.flush(), ['ij']);
  });
});
