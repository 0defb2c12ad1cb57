import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { GantryError } from '../core/index.js';
import { hookScript, installHook, MARKER, postReceiveScript, readSecretFile, shellQuote, uninstallHooks, writeSecretFile } from './hook-files.js';

test('shellQuote survives quotes, spaces and $ in a real shell', () => {
  const nasty = `it's $HOME "x" \`id\``;
  const out = spawnSync('sh', ['-c', `printf %s ${shellQuote(nasty)}`], { encoding: 'utf8' });
  assert.equal(out.stdout, nasty);
});

test('install writes an executable marked hook; a foreign hook needs --force and is restored on uninstall', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-hooks-'));
  const script = hookScript('pre-commit', ['/usr/bin/node', '/x/gantry.js', 'exec', '--job', 'lint']);
  assert.ok(script.startsWith('#!/bin/sh\n' + MARKER + '\n'));
  await installHook(dir, 'pre-commit', script, false);
  assert.equal(statSync(join(dir, 'pre-commit')).mode & 0o111, 0o111);
  await installHook(dir, 'pre-commit', script, false); // ours: overwrite is fine

  writeFileSync(join(dir, 'pre-push'), '#!/bin/sh\necho mine\n');
  await assert.rejects(installHook(dir, 'pre-push', script, false), (e: unknown) => e instanceof GantryError && e.code === 'HOOKS_FOREIGN_HOOK');
  const forced = await installHook(dir, 'pre-push', script, true);
  assert.equal(readFileSync(forced.backup!, 'utf8'), '#!/bin/sh\necho mine\n');

  writeFileSync(join(dir, 'commit-msg'), '#!/bin/sh\nexit 0\n');
  const result = await uninstallHooks(dir);
  assert.equal(result.removed.length, 2);
  assert.equal(existsSync(join(dir, 'pre-commit')), false);
  assert.equal(readFileSync(join(dir, 'pre-push'), 'utf8'), '#!/bin/sh\necho mine\n');
  assert.equal(existsSync(join(dir, 'pre-push.pre-gantry')), false);
  assert.equal(readFileSync(join(dir, 'commit-msg'), 'utf8'), '#!/bin/sh\nexit 0\n');
});

test('post-receive script: marked, execs notify with quoted argv, and never contains the secret', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-hooks-'));
  const secretFile = await writeSecretFile(dir, "s3cret 'quoted'");
  assert.equal(statSync(secretFile).mode & 0o777, 0o600);
  assert.equal(await readSecretFile(secretFile), "s3cret 'quoted'");
  const script = postReceiveScript(['/usr/bin/node', '/x/gantry.js', 'hooks', 'notify', '--secret-file', secretFile]);
  assert.ok(script.startsWith('#!/bin/sh\n' + MARKER + '\n'));
  assert.match(script, /^exec '\/usr\/bin\/node' '\/x\/gantry.js' 'hooks' 'notify' '--secret-file' '.*gantry-secret'$/m);
  assert.doesNotMatch(script, /s3cret/);
  await installHook(dir, 'post-receive', script, false);
  const result = await uninstallHooks(dir);
  assert.deepEqual(result.removed.map((f) => f.slice(dir.length + 1)).sort(), ['gantry-secret', 'post-receive']);
  assert.equal(existsSync(secretFile), false);
});

test('an empty secret file is a CONFIG_INVALID error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-hooks-'));
  writeFileSync(join(dir, 'gantry-secret'), '\n');
  await assert.rejects(readSecretFile(join(dir, 'gantry-secret')), (e: unknown) => e instanceof GantryError && e.code === 'CONFIG_INVALID');
});
