import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkPasswordStrength, hashPassword, verifyPassword } from './passwords.js';

test('scrypt hashes: salted per hash, parameters stored with it (older parameters still verify), wrong password refused', async () => {
  const a = await hashPassword('correct horse');
  const b = await hashPassword('correct horse');
  assert.match(a, /^scrypt\$N=32768,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, b, 'a random salt per hash');
  assert.equal(await verifyPassword('correct horse', a), true);
  assert.equal(await verifyPassword('correct horsE', a), false);
  const weak = await hashPassword('old password', { N: 1024, r: 8, p: 1 });
  assert.match(weak, /^scrypt\$N=1024,/);
  assert.equal(await verifyPassword('old password', weak), true);
  // NFC and NFD spellings of the same text are the same password
  assert.equal(await verifyPassword('caf\u0065\u0301 au lait', await hashPassword('caf\u00e9 au lait', { N: 1024, r: 8, p: 1 })), true);
  await assert.rejects(verifyPassword('x', 'md5$abc'), { code: 'SYSTEM_INTERNAL' });
});

test('password length: at least 8, at most 1024 characters', () => {
  assert.throws(() => checkPasswordStrength('short'), { code: 'AUTH_WEAK_PASSWORD' });
  assert.throws(() => checkPasswordStrength('x'.repeat(1025)), { code: 'AUTH_WEAK_PASSWORD' });
  checkPasswordStrength('long enough');
});
