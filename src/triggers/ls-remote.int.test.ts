import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { GantryError } from '../core/index.js';
import { lsRemote, redactUrl } from './ls-remote.js';
import { diffRefs } from './refs.js';

const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8' }).trim();

test('lsRemote lists a real repository; polling sees a new commit and an annotated tag', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-lsremote-'));
  const bare = join(dir, 'repo.git');
  const work = join(dir, 'work');
  git(dir, 'init', '-q', '--bare', '-b', 'main', bare);
  git(dir, 'clone', '-q', bare, work);
  writeFileSync(join(work, 'a.txt'), '1');
  git(work, 'add', '.');
  git(work, 'commit', '-q', '-m', 'one');
  git(work, 'push', '-q', 'origin', 'HEAD:main');
  const first = await lsRemote(bare);
  assert.deepEqual([...first], [['refs/heads/main', git(work, 'rev-parse', 'HEAD')]]);

  writeFileSync(join(work, 'a.txt'), '2');
  git(work, 'commit', '-q', '-am', 'two');
  git(work, 'tag', '-a', '-m', 'release', 'v1.0.0');
  git(work, 'push', '-q', 'origin', 'HEAD:main', 'v1.0.0');
  const head = git(work, 'rev-parse', 'HEAD');
  const second = await lsRemote(`file://${bare}`);
  assert.deepEqual(diffRefs(first, second), [
    { ref: 'refs/heads/main', before: first.get('refs/heads/main'), after: head },
    { ref: 'refs/tags/v1.0.0', before: '0'.repeat(40), after: head },
  ]);
});

test('lsRemote failures are TRIGGERS_LS_REMOTE_FAILED; a URL cannot pose as an option; tokens are redacted', async () => {
  const missing = join(tmpdir(), 'gantry-no-such-repo-' + process.pid);
  await assert.rejects(lsRemote(missing), (e: unknown) => e instanceof GantryError && e.code === 'TRIGGERS_LS_REMOTE_FAILED' && e.retryable);
  await assert.rejects(lsRemote('--upload-pack=touch /tmp/pwned'), (e: unknown) => e instanceof GantryError && e.code === 'TRIGGERS_LS_REMOTE_FAILED');
  assert.equal(redactUrl('https://user:tok3n@git.example.com/a.git'), 'https://***@git.example.com/a.git');
  await assert.rejects(lsRemote('https://user:tok3n@127.0.0.1:1/a.git', { timeoutMs: 5000 }), (e: unknown) => e instanceof GantryError && !e.message.includes('tok3n'));
});
