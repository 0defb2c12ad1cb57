import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { GitProcessError } from './git-command.js';
import { createCatFileBatch } from './cat-file-batch.js';
import { parseCommit } from './commit-object.js';
import { createTestOrigin, type TestOrigin } from './test-origin.js';

let origin: TestOrigin;
before(() => {
  origin = createTestOrigin();
});
after(() => origin.cleanup());

const plain = (args: string[]): Buffer => execFileSync('git', args, { cwd: origin.bare });
const alive = (pid: number | undefined): boolean => {
  try {
    process.kill(pid!, 0);
    return true;
  } catch {
    return false;
  }
};
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), 'condition reached');
}

test('answers match the plain git commands: ids, blobs (also large ones), trees, missing names, overlapping calls', async () => {
  const big = 'x'.repeat(300_000) + '\n'; // larger than a pipe buffer: the answer arrives in pieces
  const sha = origin.commit({ 'a.txt': 'one\n', 'dir/b.txt': 'bee', 'big.txt': big }, { message: 'batch' });
  const batch = createCatFileBatch({ cwd: origin.bare, timeoutMs: 10_000 });
  try {
    const [commit, ref, blob, large, tree, missingPath, missingSha] = await Promise.all([
      batch.info(`${sha}^{commit}`),
      batch.info('refs/heads/main^{commit}'),
      batch.contents(`${sha}:a.txt`),
      batch.contents(`${sha}:big.txt`),
      batch.info(`${sha}:dir`),
      batch.contents(`${sha}:nope.txt`),
      batch.info(`${'e'.repeat(40)}^{commit}`),
    ]);
    assert.deepEqual(commit, { oid: sha, type: 'commit', size: Number(plain(['cat-file', '-s', sha]).toString().trim()) });
    assert.equal(ref?.oid, plain(['rev-parse', 'refs/heads/main']).toString().trim());
    assert.deepEqual(blob?.body, plain(['cat-file', 'blob', `${sha}:a.txt`]));
    assert.equal(blob?.type, 'blob');
    assert.equal(large?.body.toString(), big);
    assert.equal(tree?.type, 'tree');
    assert.equal(missingPath, undefined);
    assert.equal(missingSha, undefined);
    const raw = await batch.contents(sha);
    assert.deepEqual(raw?.body, plain(['cat-file', 'commit', sha]));
    await assert.rejects(batch.info('a\nb'), /line break/);
  } finally {
    batch.close();
  }
});

test('close: answers already asked for still arrive, later calls reject, the process ends; idle readers end by themselves', async () => {
  const sha = origin.commit({ 'c.txt': 'c' });
  const batch = createCatFileBatch({ cwd: origin.bare, timeoutMs: 10_000 });
  const pending = batch.contents(`${sha}:c.txt`);
  batch.close();
  assert.equal((await pending)?.body.toString(), 'c');
  assert.ok(batch.closed);
  await assert.rejects(batch.info(sha), (err: unknown) => err instanceof GitProcessError);
  await until(() => !alive(batch.pid));

  const idle = createCatFileBatch({ cwd: origin.bare, timeoutMs: 10_000, idleMs: 50 });
  assert.ok((await idle.info(sha)) !== undefined);
  await until(() => idle.closed && !alive(idle.pid));
});

test('a reader in a directory that is not a repository rejects instead of hanging', async () => {
  const batch = createCatFileBatch({ cwd: origin.scratch, timeoutMs: 10_000 });
  await assert.rejects(batch.info('HEAD'), (err: unknown) => err instanceof GitProcessError);
  assert.ok(batch.closed);
});

test('parseCommit gives what git log gives; encoding headers and odd author lines are left to git log', () => {
  const sha = origin.commit({ 'p.txt': 'p' }, { message: 'Subject\n\nBody\n\n', author: 'Grace Hopper <grace@example.com>' });
  const parsed = parseCommit(plain(['cat-file', 'commit', sha]));
  const log = plain(['log', '-1', '--format=%an <%ae>%x00%at%x00%B', sha]).toString().split('\0');
  assert.deepEqual(parsed, { author: log[0], timestamp: Number(log[1]) * 1000, message: log[2]!.replace(/\n+$/, '') });
  const signed = 'tree t\nauthor A B <a@b> 1700000000 +0100\ncommitter A B <a@b> 1700000000 +0100\ngpgsig -----BEGIN\n line\n -----END\n\nmsg\n';
  assert.deepEqual(parseCommit(Buffer.from(signed)), { author: 'A B <a@b>', timestamp: 1_700_000_000_000, message: 'msg' });
  assert.equal(parseCommit(Buffer.from('tree t\nauthor A <a> 1 +0000\nencoding ISO-8859-1\n\nm\n')), undefined);
  assert.equal(parseCommit(Buffer.from('tree t\nauthor nonsense\n\nm\n')), undefined);
});
