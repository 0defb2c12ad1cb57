// The head of a branch read straight from an origin on this machine (no fetch), with real git:
// always the current answer, including right after pack-refs + gc rewrote the refs (the case a
// long-lived reader got wrong), and nothing at all for origins that are not local repositories.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { localOriginGitDir, readLocalOriginHead } from './origin-head.js';
import { createTestOrigin, type TestOrigin } from './test-origin.js';

let origin: TestOrigin;
before(() => {
  origin = createTestOrigin();
});
after(() => origin.cleanup());

const calls: string[][] = [];
const head = (repoUrl: string, ref: string) => readLocalOriginHead(repoUrl, ref, { timeoutMs: 30_000, onGit: (args) => calls.push([...args]) });

test('which clone URLs are repositories on this machine, and their git directory', () => {
  assert.equal(localOriginGitDir(origin.bare), origin.bare, 'a bare repository');
  assert.equal(localOriginGitDir(origin.fileUrl), origin.bare, 'a file:// URL');
  const work = join(dirname(origin.bare), 'work'); // the test origin's clone that makes the commits
  assert.equal(localOriginGitDir(work), join(work, '.git'), 'a repository with a worktree');
  for (const remote of ['https://example.com/a/b.git', 'ssh://git@example.com/a.git', 'git@example.com:a/b.git', 'relative/path', '']) {
    assert.equal(localOriginGitDir(remote), undefined, remote);
  }
  const plain = join(origin.scratch, 'not-a-repo');
  mkdirSync(plain);
  assert.equal(localOriginGitDir(plain), undefined, 'a plain directory');
  assert.equal(localOriginGitDir(join(origin.bare, 'refs')), undefined, 'a folder inside a repository is not that repository');
  assert.equal(localOriginGitDir(join(origin.scratch, 'missing')), undefined);
});

test('the current head, every time: after pushes, after pack-refs + gc in the same second, for tags', async () => {
  const first = origin.commit({ 'a.txt': '1' }, { message: 'one' });
  assert.equal(await head(origin.bare, 'refs/heads/main'), first);
  const second = origin.commit({ 'a.txt': '2' }, { message: 'two' });
  assert.equal(await head(origin.bare, 'refs/heads/main'), second);
  origin.git(['pack-refs', '--all'], origin.bare);
  assert.equal(await head(origin.bare, 'refs/heads/main'), second, 'read from packed-refs');
  const third = origin.commit({ 'a.txt': '3' }, { message: 'three' });
  origin.git(['pack-refs', '--all'], origin.bare);
  origin.git(['gc', '--quiet'], origin.bare);
  assert.equal(await head(origin.bare, 'refs/heads/main'), third, 'not the packed head of a moment ago');
  assert.equal(await head(origin.fileUrl, 'refs/heads/main'), third);
  origin.git(['tag', '-a', '-m', 'release', 'v1', second]);
  origin.git(['push', '--quiet', 'origin', 'v1']);
  assert.equal(await head(origin.bare, 'refs/tags/v1'), second, 'an annotated tag names its commit');
});

test('no answer (so the caller fetches): unknown refs, remote URLs, paths that are not repositories', async () => {
  calls.length = 0;
  assert.equal(await head(origin.bare, 'refs/heads/nope'), undefined);
  assert.equal(calls.length, 1, 'asked the origin once');
  calls.length = 0;
  assert.equal(await head('https://example.com/a/b.git', 'refs/heads/main'), undefined);
  assert.equal(await head(pathToFileURL(join(origin.scratch, 'missing')).href, 'refs/heads/main'), undefined);
  assert.deepEqual(calls, [], 'no git process for an origin that is not a local repository');
});
