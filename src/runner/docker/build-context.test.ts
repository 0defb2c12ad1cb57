import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Parser, type ReadEntry } from 'tar';
import { createBuildContext } from './build-context.js';

const scratch = mkdtempSync(join(tmpdir(), 'gantry-build-context-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let count = 0;
function contextDir(files: Record<string, string>): string {
  const dir = join(scratch, `ctx-${count++}`);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

interface TarEntry {
  type: string;
  linkpath?: string;
  body: string;
}

/** Reads the context stream back as a tar: what the engine receives. */
async function readTar(stream: NodeJS.ReadableStream): Promise<Map<string, TarEntry>> {
  const entries = new Map<string, TarEntry>();
  const parser = new Parser({
    onReadEntry: (entry: ReadEntry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        entries.set(entry.path.replace(/\/$/, '').replace(/^\.\//, ''), { type: entry.type, ...(entry.linkpath ? { linkpath: entry.linkpath } : {}), body });
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    parser.on('end', resolve);
    parser.on('error', reject);
    stream.on('error', reject);
    stream.pipe(parser as unknown as NodeJS.WritableStream);
  });
  return entries;
}

describe('build context (the tar sent to the engine)', () => {
  it('honours .dockerignore with Docker rules: patterns, ignored directories, ! exceptions', async () => {
    const dir = contextDir({
      Containerfile: 'FROM scratch\n',
      '.dockerignore': 'secret.txt\n*.log\n!keep.log\nnode_modules\ndocs/**\n!docs/keep.md\n',
      'app.txt': 'app',
      'secret.txt': 'hunter2',
      'debug.log': 'noise',
      'keep.log': 'kept',
      'sub/x.log': 'not at the top: kept',
      'node_modules/pkg/index.js': 'x',
      'docs/a.md': 'a',
      'docs/keep.md': 'kept',
    });
    const context = await createBuildContext(dir, join(dir, 'Containerfile'));
    assert.equal(context.dockerfile, 'Containerfile');
    const tar = await readTar(context.stream);
    assert.deepEqual([...tar.keys()].sort(), ['.dockerignore', 'Containerfile', 'app.txt', 'docs', 'docs/keep.md', 'keep.log', 'sub', 'sub/x.log'].sort());
    assert.equal(tar.get('app.txt')?.body, 'app');
    assert.deepEqual([...context.entries].sort(), [...tar.keys()].sort());
  });

  it('always sends the Containerfile and the ignore file, even when they are ignored', async () => {
    const dir = contextDir({ 'build/Containerfile': 'FROM scratch\n', '.dockerignore': 'build\n.dockerignore\n', 'a.txt': 'a' });
    const tar = await readTar((await createBuildContext(dir, join(dir, 'build/Containerfile'))).stream);
    assert.deepEqual([...tar.keys()].sort(), ['.dockerignore', 'a.txt', 'build/Containerfile']);
    assert.equal(tar.get('build/Containerfile')?.body, 'FROM scratch\n');
  });

  it('sends a Containerfile from outside the context under a name of its own, and nothing else of its directory', async () => {
    const elsewhere = contextDir({ 'app.Containerfile': 'FROM scratch AS outside\n', 'neighbour.txt': 'not sent' });
    const dir = contextDir({ 'a.txt': 'a' });
    const context = await createBuildContext(dir, join(elsewhere, 'app.Containerfile'));
    assert.match(context.dockerfile, /^\.gantry-containerfile-[0-9a-f]{12}$/);
    const tar = await readTar(context.stream);
    assert.deepEqual([...tar.keys()].sort(), [context.dockerfile, 'a.txt'].sort());
    assert.equal(tar.get(context.dockerfile)?.body, 'FROM scratch AS outside\n');
    assert.equal(tar.get(context.dockerfile)?.type, 'File');
    assert.deepEqual([...context.entries].sort(), [...tar.keys()].sort());
  });

  it('prefers .containerignore over .dockerignore, as Podman does', async () => {
    const dir = contextDir({ Containerfile: 'FROM scratch\n', '.containerignore': 'a.txt\n', '.dockerignore': 'b.txt\n', 'a.txt': 'a', 'b.txt': 'b' });
    const tar = await readTar((await createBuildContext(dir, join(dir, 'Containerfile'))).stream);
    assert.deepEqual([...tar.keys()].sort(), ['.containerignore', '.dockerignore', 'Containerfile', 'b.txt']);
  });

  it('stores a symlink that points out of the context as a link, never the file it points to', async () => {
    const outside = contextDir({ 'host-secret.txt': 'do not send' });
    const dir = contextDir({ Containerfile: 'FROM scratch\n', 'real/file.txt': 'inside' });
    symlinkSync(join(outside, 'host-secret.txt'), join(dir, 'escape.txt'));
    symlinkSync(outside, join(dir, 'escape-dir'));
    symlinkSync('real', join(dir, 'inner-link'));
    const tar = await readTar((await createBuildContext(dir, join(dir, 'Containerfile'))).stream);
    assert.deepEqual([...tar.keys()].sort(), ['Containerfile', 'escape-dir', 'escape.txt', 'inner-link', 'real', 'real/file.txt']);
    assert.deepEqual(tar.get('escape.txt'), { type: 'SymbolicLink', linkpath: join(outside, 'host-secret.txt'), body: '' });
    assert.equal(tar.get('escape-dir')?.type, 'SymbolicLink');
    assert.equal(tar.get('inner-link')?.linkpath, 'real');
    for (const entry of tar.values()) assert.doesNotMatch(entry.body, /do not send/);
  });

  it('leaves out FIFOs (reading one would hang the build) and keeps a file named @x a plain file', async () => {
    const dir = contextDir({ Containerfile: 'FROM scratch\n', '@x': 'at' });
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    const tar = await readTar((await createBuildContext(dir, join(dir, 'Containerfile'))).stream);
    assert.deepEqual([...tar.keys()].sort(), ['@x', 'Containerfile']);
    assert.equal(tar.get('@x')?.body, 'at');
  });
});
