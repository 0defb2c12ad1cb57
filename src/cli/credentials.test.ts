import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { credentialsFile, loadCredential, removeCredential, saveCredential, serverKey } from './credentials.js';

const saved = (token: string, tokenId: number) => ({ token, tokenId, username: 'bob', savedAt: '2026-01-01T00:00:00.000Z' });

test('credentials: per server (URL normalized), file 0600 in a 0700 directory, replace and remove', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-credentials-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = credentialsFile({ XDG_CONFIG_HOME: dir });
  assert.equal(file, join(dir, 'gantry', 'credentials.json'));
  assert.equal(loadCredential('http://a:8080', file), undefined);
  saveCredential('http://A:8080/', saved('t1', 1), file);
  saveCredential('https://b.example.com', saved('t2', 2), file);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'gantry')).mode & 0o777, 0o700);
  assert.equal(loadCredential('http://a:8080', file)?.token, 't1');
  saveCredential('http://a:8080', saved('t3', 3), file);
  assert.equal(loadCredential('http://a:8080/', file)?.token, 't3');
  assert.equal(removeCredential('http://a:8080', file)?.tokenId, 3);
  assert.equal(removeCredential('http://a:8080', file), undefined);
  assert.deepEqual(Object.keys((JSON.parse(readFileSync(file, 'utf8')) as { servers: object }).servers), ['https://b.example.com']);
  assert.equal(serverKey('http://ci.example.com/gantry/'), 'http://ci.example.com/gantry');
});

test('credentials: a broken file is a clear error, not a crash; HOME/.config without XDG_CONFIG_HOME', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-credentials-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'credentials.json');
  writeFileSync(file, '{ not json');
  assert.throws(() => loadCredential('http://a', file), { code: 'CONFIG_INVALID' });
  assert.match(credentialsFile({}), /\.config[/\\]gantry[/\\]credentials\.json$/);
});
