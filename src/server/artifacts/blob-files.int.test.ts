import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BlobFiles } from './blob-files.js';

test('a written archive is whole under a random name: size, sha256, mode 0600, no temp file left', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-blobs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const data = Buffer.from('x'.repeat(100_000));
  const written = await new BlobFiles(dir).write('caches', Readable.from([data.subarray(0, 50_000), data.subarray(50_000)]), {
    maxBytes: 100_000, signal: AbortSignal.timeout(5000), tooLarge: () => assert.fail('not too large'),
  });
  assert.match(written.blob, /^caches\/[0-9a-f-]{36}\.tar\.gz$/);
  assert.equal(written.sizeBytes, 100_000);
  assert.equal(written.sha256, createHash('sha256').update(data).digest('hex'));
  assert.deepEqual(readFileSync(join(dir, written.blob)), data);
  assert.equal(statSync(join(dir, written.blob)).mode & 0o777, 0o600);
  assert.deepEqual((await new BlobFiles(dir).list('caches')).map((f) => f.blob), [written.blob]);
});

test('a blob path that is not one the server made is refused before touching the disk (no ../ escape)', async () => {
  const files = new BlobFiles('/nonexistent');
  await assert.rejects(files.remove('artifacts/../../etc/passwd'), { code: 'SYSTEM_INTERNAL' });
  await assert.rejects(files.open('/etc/passwd', () => assert.fail('never looked up')), { code: 'SYSTEM_INTERNAL' });
});

// A real full disk: a 256 KiB tmpfs mounted in a user and mount namespace of its own (no root
// needed, nothing mounted outside the child process), written to by a child Node process.
test('a full disk (ENOSPC) ends the write with STORAGE_FULL and leaves no file', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-enospc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const disk = join(dir, 'disk');
  mkdirSync(disk);
  const probe = join(dir, 'probe.mjs');
  writeFileSync(probe, `
const { BlobFiles } = await import(${JSON.stringify(fileURLToPath(new URL('./blob-files.ts', import.meta.url)))});
const { Readable } = await import('node:stream');
const { readdirSync } = await import('node:fs');
const files = new BlobFiles(process.argv[2]);
let code = 'stored';
try {
  await files.write('artifacts', Readable.from(Array.from({ length: 64 }, () => Buffer.alloc(16384, 1))), { maxBytes: 1e9, signal: AbortSignal.timeout(10000), tooLarge: () => new Error('too large') });
} catch (err) { code = err.code; }
console.log(JSON.stringify({ code, left: readdirSync(process.argv[2] + '/artifacts') }));
`);
  const child = spawnSync('unshare', ['-rm', 'sh', '-c', 'mount -t tmpfs -o size=256k tmpfs "$1" && exec "$2" --import tsx "$3" "$1"', 'sh', disk, process.execPath, probe], {
    encoding: 'utf8', timeout: 30_000, cwd: fileURLToPath(new URL('../../..', import.meta.url)),
  });
  assert.equal(child.status, 0, child.stderr);
  assert.deepEqual(JSON.parse(child.stdout), { code: 'STORAGE_FULL', left: [] });
});
