import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSize } from './size.js';

test('parseSize reads bytes and binary units', () => {
  assert.equal(parseSize(1024), 1024);
  assert.equal(parseSize('256k'), 262_144);
  assert.equal(parseSize('512m'), 536_870_912);
  assert.equal(parseSize('1.5G'), 1_610_612_736);
  assert.equal(parseSize('2gb'), 2_147_483_648);
  assert.equal(parseSize('100'), 100);
});

test('parseSize refuses what is not a size', () => {
  for (const bad of ['', 'lots', '12x', '-5m', '0', 0, -1, Number.NaN]) assert.equal(parseSize(bad), undefined, String(bad));
});
