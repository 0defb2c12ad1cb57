import assert from 'node:assert/strict';
import { linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, symlinkSync, writeFileSync, chmodSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { Header, list, type ReadEntry } from 'tar';
import { GantryError } from '../../core/index.js';
import { pack, unpack } from './archive.js';

const base = mkdtempSync(join(tmpdir(), 'gantry-archive-'));
after(() => rmSync(base, { recursive: true, force: true }));
let dirs = 0;
const freshDir = (): string => {
  const dir = join(base, `d${++dirs}`);
  mkdirSync(dir);
  return dir;
};
const never = new AbortController().signal;

interface Crafted {
  path: string;
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'CharacterDevice' | 'FIFO';
  linkpath?: string;
  body?: string;
  mode?: number;
}

/** A gzipped tar written block by block, so it can hold what no well-behaved tool would write. */
function crafted(entries: Crafted[]): Readable {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '');
    const type = entry.type ?? 'File';
    const header = new Header({
      path: entry.path,
      type,
      mode: entry.mode ?? (type === 'Directory' ? 0o755 : 0o644),
      size: type === 'File' ? body.length : 0,
      mtime: new Date(1_700_000_000_000),
      ...(entry.linkpath !== undefined ? { linkpath: entry.linkpath } : {}),
      ...(type === 'CharacterDevice' ? { devmaj: 1, devmin: 3 } : {}),
    });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block);
    if (type === 'File' && body.length > 0) {
      blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return Readable.from([gzipSync(Buffer.concat(blocks))]);
}

/** Every path under `dir`, for "nothing was written". */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

async function assertRefused(entries: Crafted[], entryName: string, setup?: (dest: string) => void): Promise<string> {
  const dest = freshDir();
  setup?.(dest);
  const before = tree(dest);
  await assert.rejects(unpack(crafted(entries), dest, never), (err: unknown) => {
    assert.ok(err instanceof GantryError, String(err));
    assert.equal(err.code, 'RUNNER_UNSAFE_ARCHIVE');
    assert.match(err.message, new RegExp(`entry ${JSON.stringify(entryName).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    return true;
  });
  assert.deepEqual(tree(dest), before, 'nothing of the refused archive stays');
  return dest;
}

describe('unpack refuses a crafted archive whole, naming the entry', () => {
  const ok: Crafted = { path: 'ok.txt', body: 'fine' };

  it('refuses "../escape" (a .. component) and writes nothing, not even the entry before it', async () => {
    await assertRefused([ok, { path: '../escape', body: 'x' }], '../escape');
    assert.throws(() => statSync(join(base, 'escape')));
  });

  it('refuses "/etc/x" (an absolute path) instead of stripping the slash', async () => {
    await assertRefused([ok, { path: '/etc/x', body: 'x' }], '/etc/x');
  });

  it('refuses a symlink to /etc (absolute target)', async () => {
    await assertRefused([ok, { path: 'etc', type: 'SymbolicLink', linkpath: '/etc' }], 'etc');
  });

  it('refuses a relative symlink that climbs out (sub/up -> ../../outside)', async () => {
    await assertRefused([{ path: 'sub/', type: 'Directory' }, { path: 'sub/up', type: 'SymbolicLink', linkpath: '../../outside' }], 'sub/up');
  });

  it('refuses a symlink that is lexically inside but escapes through another symlink (w -> ., a -> w/../x)', async () => {
    await assertRefused([{ path: 'w', type: 'SymbolicLink', linkpath: '.' }, { path: 'a', type: 'SymbolicLink', linkpath: 'w/../x' }], 'a');
  });

  it('refuses a symlink pointing inside followed by a file under it (lib -> sub, lib/x)', async () => {
    await assertRefused(
      [{ path: 'sub/', type: 'Directory' }, { path: 'lib', type: 'SymbolicLink', linkpath: 'sub' }, { path: 'lib/x', body: 'through the link' }],
      'lib/x',
    );
  });

  it('refuses a file under a symlink that already exists in the destination (link -> outside dir)', async () => {
    const outside = freshDir();
    await assertRefused([ok, { path: 'link/planted', body: 'x' }], 'link/planted', (dest) => symlinkSync(outside, join(dest, 'link')));
    assert.deepEqual(readdirSync(outside), []);
  });

  it('refuses a symlink whose target escapes through a symlink already in the destination (up -> .., a -> up/x)', async () => {
    await assertRefused([{ path: 'a', type: 'SymbolicLink', linkpath: 'up/x' }], 'a', (dest) => symlinkSync('..', join(dest, 'up')));
  });

  it('refuses a hard link (hl -> ok.txt)', async () => {
    await assertRefused([ok, { path: 'hl', type: 'Link', linkpath: 'ok.txt' }], 'hl');
  });

  it('refuses a character device header', async () => {
    await assertRefused([ok, { path: 'null', type: 'CharacterDevice' }], 'null');
  });

  it('refuses a FIFO', async () => {
    await assertRefused([ok, { path: 'pipe', type: 'FIFO' }], 'pipe');
  });

  it('refuses an entry under .git (a cache may not plant hooks)', async () => {
    await assertRefused([ok, { path: '.git/hooks/pre-commit', body: '#!/bin/sh\n', mode: 0o755 }], '.git/hooks/pre-commit');
  });

  it('refuses bytes that are not a gzipped tar, and an empty stream', async () => {
    const dest = freshDir();
    await assert.rejects(unpack(Readable.from([Buffer.from('not an archive at all'.repeat(40))]), dest, never), /RUNNER_UNSAFE_ARCHIVE|not a readable/);
    await assert.rejects(unpack(Readable.from([]), dest, never), /empty/);
    assert.deepEqual(tree(dest), []);
  });

  it('accepts a symlink with .. that stays inside (node_modules/.bin/tool -> ../tool/cli.js)', async () => {
    const dest = freshDir();
    await unpack(
      crafted([
        { path: 'node_modules/tool/cli.js', body: 'cli' },
        { path: 'node_modules/.bin/tool', type: 'SymbolicLink', linkpath: '../tool/cli.js' },
      ]),
      dest,
      never,
    );
    assert.equal(readFileSync(join(dest, 'node_modules/.bin/tool'), 'utf8'), 'cli');
  });
});

describe('pack and unpack round trip', () => {
  it('keeps files, directories, modes and symlinks inside; drops set-id bits', async () => {
    const src = freshDir();
    mkdirSync(join(src, 'sub/deep'), { recursive: true });
    writeFileSync(join(src, 'sub/deep/data.txt'), 'data');
    writeFileSync(join(src, 'run.sh'), '#!/bin/sh\necho hi\n');
    chmodSync(join(src, 'run.sh'), 0o755);
    writeFileSync(join(src, 'setuid'), 'x');
    chmodSync(join(src, 'setuid'), 0o4755);
    chmodSync(join(src, 'sub/deep'), 0o750);
    symlinkSync('sub/deep/data.txt', join(src, 'link'));
    symlinkSync('sub', join(src, 'dirlink'));
    const packed = await pack(src, ['sub', 'run.sh', 'setuid', 'link', 'dirlink']);
    assert.ok(packed.archive);
    const dest = freshDir();
    const result = await unpack(packed.archive, dest, never);
    assert.equal(result.entries, 7);
    assert.ok(result.bytes > 0);
    assert.equal(readFileSync(join(dest, 'sub/deep/data.txt'), 'utf8'), 'data');
    assert.equal(statSync(join(dest, 'run.sh')).mode & 0o7777, 0o755);
    assert.equal(statSync(join(dest, 'setuid')).mode & 0o7777, 0o755);
    assert.equal(statSync(join(dest, 'sub/deep')).mode & 0o777, 0o750);
    assert.equal(readlinkSync(join(dest, 'link')), 'sub/deep/data.txt');
    assert.ok(lstatSync(join(dest, 'dirlink')).isSymbolicLink());
    assert.equal(readlinkSync(join(dest, 'dirlink')), 'sub');
  });

  it('stores a symlink to outside the root as a link (not its target), and unpack then refuses it', async () => {
    const src = freshDir();
    symlinkSync('/etc', join(src, 'etc'));
    const packed = await pack(src, ['etc']);
    assert.ok(packed.archive);
    const bytes = await buffer(packed.archive);
    const types: string[] = [];
    const file = join(freshDir(), 'a.tgz');
    writeFileSync(file, bytes);
    await list({ file, onReadEntry: (e: ReadEntry) => types.push(`${e.path}:${e.type}:${e.linkpath ?? ''}`) });
    assert.deepEqual(types, ['etc:SymbolicLink:/etc']);
    await assert.rejects(unpack(Readable.from([bytes]), freshDir(), never), /entry "etc" is a symlink to the absolute path/);
  });

  it('replaces a hard-linked file in the destination without changing the other link', async () => {
    const src = freshDir();
    writeFileSync(join(src, 'f'), 'new');
    const dest = freshDir();
    const elsewhere = join(freshDir(), 'f');
    writeFileSync(elsewhere, 'old');
    linkSync(elsewhere, join(dest, 'f'));
    const packed = await pack(src, ['f']);
    await unpack(packed.archive!, dest, never);
    assert.equal(readFileSync(join(dest, 'f'), 'utf8'), 'new');
    assert.equal(readFileSync(elsewhere, 'utf8'), 'old');
  });

  it('stops when the signal aborts', async () => {
    const src = freshDir();
    writeFileSync(join(src, 'f'), 'x');
    const packed = await pack(src, ['f']);
    await assert.rejects(unpack(packed.archive!, freshDir(), AbortSignal.abort()), { name: 'AbortError' });
  });
});

describe('pack selects paths', () => {
  const src = freshDir();
  mkdirSync(join(src, 'coverage/lcov'), { recursive: true });
  mkdirSync(join(src, 'src'));
  mkdirSync(join(src, '.git'));
  writeFileSync(join(src, 'coverage/lcov/a.info'), 'a');
  writeFileSync(join(src, 'coverage/summary.json'), '{}');
  writeFileSync(join(src, 'src/x.test.xml'), '<x/>');
  writeFileSync(join(src, '.git/config'), 'secret-ish');
  symlinkSync(join(src, 'coverage'), join(src, 'cov'));

  const names = async (patterns: string[]): Promise<{ paths: string[]; unmatched: string[]; refused: string[] }> => {
    const packed = await pack(src, patterns);
    const paths: string[] = [];
    if (packed.archive) {
      const file = join(freshDir(), 'a.tgz');
      writeFileSync(file, await buffer(packed.archive));
      await list({ file, onReadEntry: (e: ReadEntry) => paths.push(e.path) });
    }
    return { paths, unmatched: packed.unmatched, refused: packed.refused.map((r) => r.pattern) };
  };

  it('a directory brings its subtree; a glob matches files and directories, dotfiles included, never .git', async () => {
    assert.deepEqual((await names(['coverage/'])).paths, ['coverage/', 'coverage/lcov/', 'coverage/lcov/a.info', 'coverage/summary.json']);
    assert.deepEqual((await names(['**/*.xml', '**/*.json'])).paths, ['src/x.test.xml', 'coverage/summary.json']);
    assert.deepEqual((await names(['**/config'])).paths, []);
  });

  it('a pattern that matches nothing is reported, not an error', async () => {
    const result = await names(['coverage/summary.json', 'dist/', '**/*.zip']);
    assert.deepEqual(result.paths, ['coverage/summary.json']);
    assert.deepEqual(result.unmatched, ['dist/', '**/*.zip']);
  });

  it('refuses patterns that are absolute, leave the root, name .git or pass through a symlink (cov/ is a link to coverage)', async () => {
    const result = await names(['/etc/passwd', '../x', 'a/../../x', 'cov/summary.json', '.git/config', 'cov']);
    assert.deepEqual(result.refused, ['/etc/passwd', '../x', 'a/../../x', 'cov/summary.json', '.git/config']);
    assert.deepEqual(result.paths, ['cov'], 'the link itself may be stored, as a link');
  });
});
