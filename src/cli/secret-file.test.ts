import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GantryError } from '../core/index.js';
import { hostEnvWithoutSecrets, parseSecretFile, secretsFromEnv } from './secret-file.js';

test('parses KEY=VALUE lines, comments, export prefix and quotes', () => {
  const text = [
    '# a comment',
    '',
    'TOKEN=abc=def',
    'export API_KEY = xyz  # trailing comment',
    "SINGLE='keep # this'",
    'DOUBLE="line1\\nline2"',
    'PEM="-----BEGIN-----',
    'body',
    '-----END-----"',
  ].join('\n');
  assert.deepEqual(parseSecretFile(text, 's.env'), {
    TOKEN: 'abc=def',
    API_KEY: 'xyz',
    SINGLE: 'keep # this',
    DOUBLE: 'line1\nline2',
    PEM: '-----BEGIN-----\nbody\n-----END-----',
  });
});

test('a line without = is a CONFIG_INVALID error naming file and line', () => {
  assert.throws(
    () => parseSecretFile('OK=1\nnot a pair\n', 'x.env'),
    (err: unknown) => err instanceof GantryError && err.code === 'CONFIG_INVALID' && err.message.includes('x.env:2'),
  );
});

test('an unterminated double quote is an error', () => {
  assert.throws(() => parseSecretFile('A="open\nno end', 'x.env'), /unterminated/);
});

test('GANTRY_SECRET_<NAME> variables become secrets and never reach the host env', () => {
  const env = { GANTRY_SECRET_TOKEN: 's3cret', GANTRY_SECRET_: 'ignored', PATH: '/bin' };
  assert.deepEqual(secretsFromEnv(env), { TOKEN: 's3cret' });
  assert.deepEqual(hostEnvWithoutSecrets(env), { PATH: '/bin' });
});
