import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { git, makeRepo, runGantry } from './helpers.js';

const PIPELINE = `version: 1
jobs:
  pass: { steps: [{ run: "echo all good" }] }
  fail: { steps: [{ run: "echo nope; exit 1" }] }
`;

test('a pre-commit hook for a failing job blocks the commit; a passing job lets it through', async () => {
  const dir = makeRepo({ '.gantry.yml': PIPELINE });
  const install = await runGantry(['hooks', 'install', '--pre-commit', 'fail'], { cwd: dir });
  assert.equal(install.code, 0, install.stderr);
  const hook = readFileSync(join(dir, '.git/hooks/pre-commit'), 'utf8');
  assert.match(hook, /# gantry-managed-hook/);
  assert.match(hook, /'exec' '--job' 'fail'/);

  writeFileSync(join(dir, 'a.txt'), 'a');
  git(dir, 'add', 'a.txt');
  const blocked = git(dir, 'commit', '-m', 'blocked');
  assert.notEqual(blocked.status, 0);
  assert.match(blocked.stdout + blocked.stderr, /\[fail\] nope/);
  assert.equal(git(dir, 'log', '--format=%s').stdout.trim(), 'initial');

  assert.equal((await runGantry(['hooks', 'install', '--pre-commit', 'pass'], { cwd: dir })).code, 0);
  const ok = git(dir, 'commit', '-m', 'allowed');
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.equal(git(dir, 'log', '-1', '--format=%s').stdout.trim(), 'allowed');
});

test('a foreign hook is refused without --force, and uninstall leaves it untouched', async () => {
  const dir = makeRepo({ '.gantry.yml': PIPELINE });
  const foreign = '#!/bin/sh\necho "someone else\'s hook"\n';
  writeFileSync(join(dir, '.git/hooks/pre-push'), foreign, { mode: 0o755 });
  const refused = await runGantry(['hooks', 'install', '--pre-push', 'pass'], { cwd: dir });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /gantry: error HOOKS_FOREIGN_HOOK: /);
  assert.equal(readFileSync(join(dir, '.git/hooks/pre-push'), 'utf8'), foreign);

  assert.equal((await runGantry(['hooks', 'install', '--pre-commit', 'pass'], { cwd: dir })).code, 0);
  const un = await runGantry(['hooks', 'uninstall'], { cwd: dir });
  assert.equal(un.code, 0, un.stderr);
  assert.equal(existsSync(join(dir, '.git/hooks/pre-commit')), false);
  assert.equal(readFileSync(join(dir, '.git/hooks/pre-push'), 'utf8'), foreign);

  const forced = await runGantry(['hooks', 'install', '--pre-push', 'pass', '--force'], { cwd: dir });
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(readFileSync(join(dir, '.git/hooks/pre-push.pre-gantry'), 'utf8'), foreign);
  await runGantry(['hooks', 'uninstall'], { cwd: dir });
  assert.equal(readFileSync(join(dir, '.git/hooks/pre-push'), 'utf8'), foreign, 'backup restored');
});

test('outside a git repository hooks fail with HOOKS_NOT_A_REPOSITORY', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-norepo-'));
  const r = await runGantry(['hooks', 'install', '--pre-commit', 'x'], { cwd: dir, env: { GIT_CEILING_DIRECTORIES: tmpdir() } });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^gantry: error HOOKS_NOT_A_REPOSITORY: /m);
});
