import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { GantryError, systemClock } from '../../core/index.js';
import { createRepoMirrors, type MirrorProject } from './index.js';
import { createTestOrigin, type TestOrigin } from './test-origin.js';

let origin: TestOrigin;
before(() => {
  origin = createTestOrigin();
});
after(() => origin.cleanup());

let nextId = 1;
function setup(repoUrl?: string) {
  const calls: string[][] = [];
  const dataDir = join(origin.scratch, `data-${nextId}`);
  const project: MirrorProject = { id: nextId++, repoUrl: repoUrl ?? origin.bare };
  // A long reader lifetime: the tests count reader starts, and this machine may be slow.
  const mirrors = createRepoMirrors({ dataDir, clock: systemClock, readerIdleMs: 60_000, onGit: (args) => calls.push([...args]) });
  const count = (verb: string) => calls.filter((a) => a[0] === verb).length;
  return { project, mirrors, calls, count, dataDir };
}

const isGantryError = (code: string) => (err: unknown) => err instanceof GantryError && err.code === code;

test('the mirror is cloned once, then fetched (not re-cloned): new commits appear, old files stay readable', async () => {
  const first = origin.commit({ 'a.txt': 'one\n' }, { message: 'first' });
  const { project, mirrors, count } = setup();
  await mirrors.sync(project);
  const path = mirrors.mirrorPath(project);
  assert.equal(path, join(origin.scratch, `data-${project.id}`, 'repos', `${project.id}.git`));
  const inode = statSync(path).ino;
  writeFileSync(join(path, 'gantry-marker'), 'x');
  assert.equal(await mirrors.resolve(project, 'main'), first);

  const second = origin.commit({ 'a.txt': 'two\n', 'b/c.txt': 'c' }, { message: 'second' });
  await mirrors.sync(project);
  assert.equal(await mirrors.resolve(project, 'refs/heads/main'), second);
  assert.equal(statSync(path).ino, inode, 'same directory');
  assert.ok(existsSync(join(path, 'gantry-marker')), 'not re-cloned');
  assert.equal(count('clone'), 1);
  assert.equal(count('fetch'), 1);
  assert.ok(mirrors.lastSyncedAt(project)! > 0);

  assert.equal(await mirrors.readFile(project, first, 'a.txt'), 'one\n');
  assert.equal(await mirrors.readFile(project, second, 'a.txt'), 'two\n');
  assert.equal(await mirrors.readFile(project, first, 'b/c.txt'), undefined);
  assert.equal(await mirrors.readFile(project, second, 'b'), undefined, 'a directory is not a file');
  assert.deepEqual(await mirrors.listFiles(project, second, 'b'), ['b/c.txt']);
  assert.ok((await mirrors.listFiles(project, second, '')).includes('a.txt'));
  await assert.rejects(mirrors.readFile(project, 'f'.repeat(40), 'a.txt'), isGantryError('GIT_UNKNOWN_COMMIT'));
});

test('file:// URLs work; commitInfo; resolve of tags, shas and unknown refs; fetch --prune drops deleted branches', async () => {
  const sha = origin.commit({ 'x.txt': 'x' }, { branch: 'feature/x', message: 'Add x\n\nbody line', author: 'Ada <ada@example.com>' });
  origin.tag('v1.0.0', sha);
  const { project, mirrors } = setup(origin.fileUrl);
  await mirrors.sync(project);
  assert.equal(await mirrors.resolve(project, 'feature/x'), sha);
  assert.equal(await mirrors.resolve(project, 'v1.0.0'), sha);
  assert.equal(await mirrors.resolve(project, 'refs/tags/v1.0.0'), sha);
  assert.equal(await mirrors.resolve(project, sha), sha);
  assert.equal(await mirrors.resolve(project, 'e'.repeat(40)), undefined);
  assert.equal(await mirrors.resolve(project, 'no-such-branch'), undefined);

  const info = await mirrors.commitInfo(project, sha);
  assert.equal(info.sha, sha);
  assert.equal(info.author, 'Ada <ada@example.com>');
  assert.equal(info.message, 'Add x\n\nbody line');
  assert.ok(Math.abs(info.timestamp - Date.now()) < 60_000);

  origin.git(['push', '--quiet', 'origin', '--delete', 'feature/x']);
  await mirrors.sync(project);
  assert.equal(await mirrors.resolve(project, 'feature/x'), undefined);
});

test('changedFiles between two commits; undefined for a new ref or an unknown before', async () => {
  const a = origin.commit({ 'src/one.ts': '1', 'docs/readme.md': 'r' }, { branch: 'diff' });
  const b = origin.commit({ 'src/one.ts': '2', 'src/two.ts': 'new', 'docs/readme.md': null }, { branch: 'diff' });
  const { project, mirrors } = setup();
  await mirrors.sync(project);
  assert.deepEqual(await mirrors.changedFiles(project, a, b), ['docs/readme.md', 'src/one.ts', 'src/two.ts']);
  assert.equal(await mirrors.changedFiles(project, '0'.repeat(40), b), undefined);
  assert.equal(await mirrors.changedFiles(project, 'a'.repeat(40), b), undefined);
  assert.equal(await mirrors.changedFiles(project, 'not-a-sha', b), undefined);
  await assert.rejects(mirrors.changedFiles(project, a, 'b'.repeat(40)), isGantryError('GIT_UNKNOWN_COMMIT'));
});

test('checkout puts the exact commit in a workspace with a working .git (log, describe) and no credentialed origin', async () => {
  const older = origin.commit({ 'f.txt': 'old' }, { branch: 'co', message: 'older' });
  origin.tag('co-v1', older);
  const head = origin.commit({ 'f.txt': 'new' }, { branch: 'co', message: 'newer' });
  const { project, mirrors, dataDir } = setup();
  await mirrors.sync(project);
  const dir = join(dataDir, 'ws', 'job-1');
  await mirrors.checkout(project, older, dir);
  const git = (args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
  assert.equal(git(['rev-parse', 'HEAD']), older);
  assert.equal(readFileSync(join(dir, 'f.txt'), 'utf8'), 'old');
  assert.match(git(['log', '--format=%s', '-1']), /^older$/);
  assert.equal(git(['describe', '--tags']), 'co-v1');
  assert.equal(git(['status', '--porcelain']), '');
  assert.equal(git(['config', 'remote.origin.url']), mirrors.mirrorPath(project));
  assert.ok(statSync(join(dir, '.git')).isDirectory(), 'a real .git directory');
  // Self-contained: no alternates pointing back into the mirror (works when only the workspace is mounted).
  assert.equal(existsSync(join(dir, '.git', 'objects', 'info', 'alternates')), false);

  const dir2 = join(dataDir, 'ws', 'job-2');
  await mirrors.checkout(project, head, dir2);
  assert.equal(readFileSync(join(dir2, 'f.txt'), 'utf8'), 'new');
  await assert.rejects(mirrors.checkout(project, 'c'.repeat(40), join(dataDir, 'ws', 'job-3')), isGantryError('GIT_UNKNOWN_COMMIT'));
  await assert.rejects(mirrors.checkout(project, head, dir), isGantryError('GIT_CHECKOUT_FAILED'), 'non-empty dir');
});

test('bad ref names, shas and paths are rejected before git sees them', async () => {
  const sha = origin.commit({ 'ok.txt': 'ok' });
  const { project, mirrors, calls } = setup();
  await mirrors.sync(project);
  const before = calls.length;
  for (const ref of ['main;rm -rf /', '--upload-pack=x', '-x', 'main@{1}', 'a..b', 'HEAD~1', 'main^', 'x:y', 'a b', 'x.lock', '.hidden', 'a//b', '', 'refs/heads/x\n']) {
    await assert.rejects(mirrors.resolve(project, ref), isGantryError('GIT_BAD_REF'), ref);
  }
  for (const bad of ['--output=/tmp/x', 'HEAD', sha.slice(0, 12), sha.toUpperCase()]) {
    await assert.rejects(mirrors.readFile(project, bad, 'ok.txt'), isGantryError('GIT_BAD_REF'), bad);
    await assert.rejects(mirrors.checkout(project, bad, join(origin.scratch, 'never')), isGantryError('GIT_BAD_REF'), bad);
  }
  for (const path of ['../etc/passwd', '/etc/passwd', 'a/../b', '-p', ':x', 'a\0b', '']) {
    await assert.rejects(mirrors.readFile(project, sha, path), isGantryError('GIT_BAD_REF'), JSON.stringify(path));
  }
  assert.equal(calls.length, before, 'git was never started for a bad value');
  assert.equal(existsSync(join(origin.scratch, 'never')), false);
});

test('concurrent syncs share one fetch; a sync called during a fetch gets a fetch that sees later pushes', async () => {
  origin.commit({ 'c.txt': '0' });
  const { project, mirrors, count, calls } = setup();
  await Promise.all([mirrors.sync(project), mirrors.sync(project), mirrors.sync(project)]);
  assert.equal(count('clone'), 1);
  assert.equal(count('fetch'), 0);

  await Promise.all(Array.from({ length: 5 }, () => mirrors.sync(project)));
  assert.equal(count('fetch'), 1, 'five concurrent callers, one fetch');

  // A push that lands while a fetch is in flight must be seen by a sync called after it.
  const inFlight = mirrors.sync(project);
  while (count('fetch') < 2) await new Promise((r) => setImmediate(r));
  const late = origin.commit({ 'c.txt': 'late' });
  const joined = [mirrors.sync(project), mirrors.sync(project)];
  await Promise.all([inFlight, ...joined]);
  assert.equal(await mirrors.resolve(project, 'main'), late);
  assert.equal(count('fetch'), 3, 'the late callers shared one follow-up fetch');
  assert.ok(calls.every((a) => a[0] !== 'clone' || a.includes('--mirror') || a.includes('--local')));
});

test('fetch failures are GIT_FETCH_FAILED (retryable) without credentials; no half mirror; ext:: is refused', async () => {
  const { project, mirrors, dataDir } = setup('https://alice:s3cret-token@127.0.0.1:1/repo.git');
  const err = await mirrors.sync(project).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof GantryError && err.code === 'GIT_FETCH_FAILED', String(err));
  assert.equal(err.retryable, true);
  assert.doesNotMatch(JSON.stringify({ m: err.message, d: err.details }), /s3cret/);
  assert.match(err.message, /https:\/\/\*\*\*@127\.0\.0\.1:1\/repo\.git/);
  assert.deepEqual(existsSync(join(dataDir, 'repos')) ? readdirSync(join(dataDir, 'repos')) : [], []);

  const marker = join(origin.scratch, 'ext-ran');
  const ext = setup(`ext::sh -c touch% ${marker}`);
  await assert.rejects(ext.mirrors.sync(ext.project), isGantryError('GIT_FETCH_FAILED'));
  assert.equal(existsSync(marker), false);
  const dashed = setup('--upload-pack=touch /tmp/x');
  await assert.rejects(dashed.mirrors.sync(dashed.project), isGantryError('GIT_BAD_REF'));
  assert.equal(dashed.calls.length, 0);
});

test('GIT_DIR in the environment does not redirect git; remove deletes the mirror', async () => {
  origin.commit({ 'env.txt': 'e' });
  const { project, mirrors } = setup();
  const saved = process.env.GIT_DIR;
  process.env.GIT_DIR = join(origin.scratch, 'elsewhere.git');
  try {
    await mirrors.sync(project);
    await mirrors.sync(project);
  } finally {
    if (saved === undefined) delete process.env.GIT_DIR;
    else process.env.GIT_DIR = saved;
  }
  assert.ok(await mirrors.resolve(project, 'main'));
  const config = readFileSync(join(mirrors.mirrorPath(project), 'config'), 'utf8');
  assert.match(config, /mirror = true/);
  await mirrors.remove(project);
  assert.equal(existsSync(mirrors.mirrorPath(project)), false);
  assert.equal(mirrors.lastSyncedAt(project), undefined);
});

test('reads share one cat-file reader per mirror, which survives fetches and sees what they bring; close ends it', async () => {
  const first = origin.commit({ 'r.txt': 'one' }, { branch: 'reader' });
  const { project, mirrors, count } = setup();
  assert.equal(await mirrors.hasCommit(project, first), false, 'no mirror yet: unknown, and nothing fetched');
  assert.equal(count('fetch') + count('clone'), 0);
  await mirrors.sync(project);
  assert.equal(await mirrors.hasCommit(project, first), true);
  assert.equal(await mirrors.hasCommit(project, 'e'.repeat(40)), false);
  assert.equal(await mirrors.hasCommit(project, 'not-a-sha'), false);
  assert.equal(await mirrors.resolve(project, 'reader'), first);
  assert.equal(await mirrors.readFile(project, first, 'r.txt'), 'one');
  assert.equal((await mirrors.commitInfo(project, first)).sha, first);
  assert.equal(count('cat-file'), 1, 'one reader answered every question');
  assert.equal(count('rev-parse') + count('log'), 0);

  const second = origin.commit({ 'r.txt': 'two' }, { branch: 'reader', message: 'c' });
  assert.equal(await mirrors.hasCommit(project, second), false);
  await mirrors.sync(project);
  assert.equal(await mirrors.resolve(project, 'reader'), second);
  assert.equal(await mirrors.readFile(project, second, 'r.txt'), 'two');
  assert.equal((await mirrors.commitInfo(project, second)).message, 'c');
  const third = origin.commit({ 'big/pack.txt': 'p'.repeat(200_000), ...Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`many/${i}.txt`, `${i}`])) }, { branch: 'reader' });
  await mirrors.sync(project); // > fetch.unpackLimit objects: kept as a new pack, not loose objects
  assert.equal(await mirrors.resolve(project, 'refs/heads/reader'), third);
  assert.equal(await mirrors.readFile(project, third, 'many/119.txt'), '119');
  origin.git(['push', '--quiet', 'origin', '--delete', 'reader']);
  await mirrors.sync(project);
  assert.equal(await mirrors.resolve(project, 'reader'), undefined, 'a pruned ref is gone for the reader too');
  assert.equal(count('cat-file'), 1, 'the same reader before and after the fetches');
  await mirrors.close();
  assert.equal(await mirrors.readFile(project, first, 'r.txt'), 'one', 'usable after close: a reader starts on demand');
  await mirrors.close();
});

test('fetches skip auto maintenance; maintenance runs in the background at most once per interval', async () => {
  origin.commit({ 'm.txt': '1' }, { branch: 'maint' });
  let now = 1_000_000;
  const clock = { ...systemClock, now: () => now };
  const calls: string[][] = [];
  const count = (verb: string) => calls.filter((a) => a[0] === verb).length;
  const mirrors = createRepoMirrors({ dataDir: join(origin.scratch, 'data-maint'), clock, onGit: (a) => calls.push([...a]) });
  const project = { id: 998, repoUrl: origin.bare };
  await mirrors.sync(project); // a fresh clone needs no maintenance
  await mirrors.sync(project);
  await mirrors.close(); // waits for background maintenance
  assert.equal(count('maintenance'), 0, 'not within 10 min of the clone');
  now += 600_000;
  await mirrors.sync(project);
  await mirrors.sync(project);
  await mirrors.sync(project);
  await mirrors.close();
  assert.equal(count('maintenance'), 1, 'once per interval, however many fetches');
  const fetches = calls.filter((a) => a[0] === 'fetch');
  assert.equal(fetches.length, 4);
  for (const f of fetches) assert.ok(f.includes('--no-auto-maintenance'), f.join(' '));
  // Never overlapping: each fetch's argv is observed after the previous maintenance's.
  const order = calls.filter((a) => a[0] === 'fetch' || a[0] === 'maintenance').map((a) => a[0]);
  assert.deepEqual(order, ['fetch', 'fetch', 'maintenance', 'fetch', 'fetch']);
});
