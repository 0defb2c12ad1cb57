import assert from 'node:assert/strict';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { GantryError } from '../../core/index.js';
import { sweepArtifacts } from './artifact-sweep.js';
import { bytes, leaseFixture, pullRequest, push, readAll, streamOf } from '../../../test/server/helpers/lease-fixture.js';

const signal = () => AbortSignal.timeout(10_000);
const code = (expected: string) => (err: unknown) => err instanceof GantryError && err.code === expected;

test('a lease that ended, a lease of an earlier attempt and a made-up lease id are refused with LEASE_STALE', async (t) => {
  const f = await leaseFixture(t);
  const { lease } = await f.leaseRun(push('main'));
  const storage = f.storage(lease);
  assert.equal(await storage.saveCache('k', streamOf(bytes('a', 10)), signal()), true);
  await assert.rejects(f.storage({ leaseId: lease.leaseId, epoch: lease.epoch + 1 }).restoreCache('k', [], signal()), code('LEASE_STALE'), 'a future epoch is no lease');
  await f.done(lease);
  await assert.rejects(storage.restoreCache('k', [], signal()), code('LEASE_STALE'));
  await assert.rejects(storage.uploadArtifact('dist', streamOf(bytes('x')), undefined, signal()), code('LEASE_STALE'));
  await assert.rejects(storage.artifactsOf(['build'], signal()), code('LEASE_STALE'));
  await assert.rejects(f.storage({ leaseId: 'not-a-lease', epoch: 1 }).saveCache('k2', streamOf(bytes('a')), signal()), code('LEASE_STALE'));
  await assert.rejects(f.storage({ leaseId: `${lease.runId}/other-job`, epoch: 1 }).saveCache('k2', streamOf(bytes('a')), signal()), code('LEASE_STALE'));
  assert.deepEqual(f.filesOnDisk().length, 1, 'only the first entry was stored');
});

test('a lease that ends while its upload streams leaves no file and no row', async (t) => {
  const f = await leaseFixture(t);
  const { run, lease } = await f.leaseRun(push('main'));
  const source = new Readable({ read() {} });
  const upload = f.storage(lease).uploadArtifact('dist', source, undefined, signal());
  source.push(bytes('x', 4096));
  await new Promise((resolve) => setTimeout(resolve, 50));
  await f.done(lease);
  source.push(bytes('y', 4096));
  source.push(null);
  await assert.rejects(upload, code('LEASE_STALE'));
  assert.deepEqual(await f.store.artifacts.listForRun(run.id), []);
  assert.deepEqual(f.filesOnDisk(), []);
});

test('a pull request reads the default branch cache but its saves never reach it; the default branch never sees the pull request cache', async (t) => {
  const f = await leaseFixture(t);
  const main = await f.leaseRun(push('main'));
  assert.equal(await f.storage(main.lease).saveCache('deps-1', streamOf(bytes('M', 100)), signal()), true);
  await f.done(main.lease);

  // head branch "main" too: a fork's default branch must not count as ours.
  const pr = await f.leaseRun(pullRequest(7, 'main'));
  const prStorage = f.storage(pr.lease);
  const restored = await prStorage.restoreCache('deps-1', [], signal());
  assert.equal(restored?.key, 'deps-1');
  assert.deepEqual(await readAll(restored.archive), bytes('M', 100), 'the default branch entry is readable by the pull request');
  assert.equal(await prStorage.saveCache('deps-1', streamOf(bytes('P', 100)), signal()), true, 'stored in the pull request scope, beside the default branch entry');
  assert.equal(await prStorage.saveCache('deps-2', streamOf(bytes('Q', 100)), signal()), true);
  assert.equal((await readAll((await prStorage.restoreCache('deps-1', [], signal()))!.archive)).toString().slice(0, 1), 'P', 'own scope first');
  await f.done(pr.lease);

  const again = await f.leaseRun(push('main', 'c'.repeat(40)));
  const mainStorage = f.storage(again.lease);
  assert.deepEqual(await readAll((await mainStorage.restoreCache('deps-1', [], signal()))!.archive), bytes('M', 100), 'the default branch entry is unchanged');
  assert.equal(await mainStorage.restoreCache('deps-2', ['deps-'], signal()).then((r) => r?.key), 'deps-1', 'the pull request entry is invisible; the prefix finds the default branch one');
  await f.done(again.lease);

  const other = await f.leaseRun(pullRequest(8, 'feature'));
  assert.equal(await f.storage(other.lease).restoreCache('deps-2', [], signal()), undefined, 'another pull request does not see it either');
  await f.done(other.lease);
  const scopes = await f.store.caches.leastRecentlyUsed(f.project.id, 10);
  assert.deepEqual(scopes.map((e) => `${e.scope} ${e.key}`).sort(), ['branch:main deps-1', 'pr:7 deps-1', 'pr:7 deps-2']);
});

test('restore: exact key, else the newest entry of the first matching prefix; keys are immutable; restores mark entries used', async (t) => {
  const f = await leaseFixture(t);
  const { lease } = await f.leaseRun(push('feature'));
  const storage = f.storage(lease);
  assert.equal(await storage.saveCache('npm-linux-aaa', streamOf(bytes('1', 10)), signal()), true);
  f.clock.advance(1000);
  assert.equal(await storage.saveCache('npm-linux-bbb', streamOf(bytes('2', 10)), signal()), true);
  f.clock.advance(1000);
  assert.equal(await storage.saveCache('npm-mac-ccc', streamOf(bytes('3', 10)), signal()), true);
  assert.equal(await storage.saveCache('npm-linux-aaa', streamOf(bytes('X', 10)), signal()), false, 'an existing key is not replaced');
  assert.equal((await readAll((await storage.restoreCache('npm-linux-aaa', ['npm-'], signal()))!.archive)).toString(), '1'.repeat(10));
  assert.equal((await storage.restoreCache('npm-linux-zzz', ['npm-linux-', 'npm-'], signal()))?.key, 'npm-linux-bbb', 'newest of the first prefix that matches');
  assert.equal((await storage.restoreCache('none', ['yarn-', 'npm-'], signal()))?.key, 'npm-mac-ccc', 'the next prefix when the first matches nothing');
  assert.equal(await storage.restoreCache('none', ['yarn-'], signal()), undefined);
  const used = await f.store.caches.leastRecentlyUsed(f.project.id, 10);
  assert.equal(used.find((e) => e.key === 'npm-linux-bbb')?.lastUsedAt, f.clock.now(), 'last used updated by the restore');
  await assert.rejects(storage.saveCache('bad\nkey', streamOf(bytes('a')), signal()), code('ARTIFACT_INVALID'), 'a key with a newline is refused');
  assert.equal(f.filesOnDisk().length, 3, 'the refused and the immutable saves wrote no file');
  await f.done(lease);
});

test('over the project quota the least recently used entries are evicted with their files', async (t) => {
  const f = await leaseFixture(t, { cacheQuotaBytesPerProject: 2500 });
  const { lease } = await f.leaseRun(push('main'));
  const storage = f.storage(lease);
  await storage.saveCache('a', streamOf(bytes('a', 1000)), signal());
  f.clock.advance(10);
  await storage.saveCache('b', streamOf(bytes('b', 1000)), signal());
  f.clock.advance(10);
  await storage.restoreCache('a', [], signal()).then((r) => r?.archive.destroy());
  f.clock.advance(10);
  await storage.saveCache('c', streamOf(bytes('c', 1000)), signal());
  const left = await f.store.caches.leastRecentlyUsed(f.project.id, 10);
  assert.deepEqual(left.map((e) => e.key), ['a', 'c'], '"b" was used least recently');
  assert.equal(await f.store.caches.usage(f.project.id), 2000);
  assert.equal(f.filesOnDisk().length, 2, 'the evicted entry\'s file is gone');
  await f.done(lease);
});

test('an archive over the size limit is refused with ARTIFACT_TOO_LARGE and leaves nothing, for caches and artifacts', async (t) => {
  const f = await leaseFixture(t, { cacheMaxEntryBytes: 1000, artifactMaxBytes: 2000 });
  const { run, lease } = await f.leaseRun(push('main'));
  const storage = f.storage(lease);
  const chunks = (n: number) => Readable.from(Array.from({ length: n }, () => bytes('z', 512)));
  await assert.rejects(storage.saveCache('big', chunks(4), signal()), code('ARTIFACT_TOO_LARGE'));
  await assert.rejects(storage.uploadArtifact('big', chunks(5), undefined, signal()), code('ARTIFACT_TOO_LARGE'));
  assert.equal(await f.store.caches.has(f.project.id, 'branch:main', 'big'), false);
  assert.deepEqual(await f.store.artifacts.listForRun(run.id), []);
  assert.deepEqual(f.filesOnDisk(), []);
  await storage.uploadArtifact('fits', chunks(3), undefined, signal());
  assert.equal((await f.store.artifacts.listForRun(run.id))[0]?.sizeBytes, 1536);
  await f.done(lease);
});

test('an upload aborted mid-stream leaves no file and no row', async (t) => {
  const f = await leaseFixture(t);
  const { run, lease } = await f.leaseRun(push('main'));
  const source = new Readable({ read() {} });
  const controller = new AbortController();
  const upload = f.storage(lease).uploadArtifact('dist', source, undefined, controller.signal);
  source.push(bytes('x', 64 * 1024));
  // Wait for the temp file rather than a fixed time: a loaded machine may take a while to open it.
  for (let waited = 0; f.filesOnDisk().length === 0 && waited < 5000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(f.filesOnDisk().length, 1, 'the temp file exists while the upload runs');
  controller.abort();
  await assert.rejects(upload, (err: Error) => err.name === 'AbortError');
  assert.deepEqual(f.filesOnDisk(), []);
  assert.deepEqual(await f.store.artifacts.listForRun(run.id), []);
  await f.done(lease);
});

test('artifactsOf: the artifacts of the named jobs of this run, latest attempt, readable; a bad name is ARTIFACT_INVALID', async (t) => {
  const f = await leaseFixture(t);
  const { run, lease } = await f.leaseRun(push('main'));
  const storage = f.storage(lease);
  await storage.uploadArtifact('dist', streamOf(bytes('d', 300)), undefined, signal());
  await storage.uploadArtifact('dist', streamOf(bytes('e', 200)), undefined, signal());
  await assert.rejects(storage.uploadArtifact('../etc', streamOf(bytes('a')), undefined, signal()), code('ARTIFACT_INVALID'));
  await assert.rejects(storage.uploadArtifact('x', streamOf(bytes('a')), -5, signal()), code('ARTIFACT_INVALID'), 'a negative retention is refused');
  const listed = await storage.artifactsOf(['build', 'unknown'], signal());
  assert.deepEqual(listed.map((a) => [a.jobId, a.name, a.sizeBytes]), [['build', 'dist', 200]], 'the second upload under the name replaced the first');
  assert.deepEqual(await readAll(await listed[0]!.open(signal())), bytes('e', 200));
  assert.deepEqual(await storage.artifactsOf([], signal()), []);
  assert.equal(f.filesOnDisk().length, 1, 'the replaced artifact\'s file is gone');
  const [stored] = await f.store.artifacts.listForRun(run.id);
  assert.equal(stored?.expiresAt, f.clock.now() + 30 * 86_400_000, 'the default retention');
  await f.done(lease);
});

test('the sweep deletes expired artifacts with their files, and old files no row names, but not a fresh one', async (t) => {
  const f = await leaseFixture(t);
  const { run, lease } = await f.leaseRun(push('main'));
  const storage = f.storage(lease);
  await storage.uploadArtifact('short', streamOf(bytes('s', 10)), 60_000, signal());
  await storage.uploadArtifact('long', streamOf(bytes('l', 10)), undefined, signal());
  await f.done(lease);
  const orphanOld = join(f.dataDir, 'caches', '00000000-0000-4000-8000-000000000000.tar.gz');
  const orphanNew = join(f.dataDir, 'caches', '00000000-0000-4000-8000-000000000001.tar.gz');
  const staleTemp = join(f.dataDir, 'artifacts', '.00000000-0000-4000-8000-000000000002.part');
  mkdirSync(join(f.dataDir, 'caches'));
  for (const file of [orphanOld, orphanNew, staleTemp]) writeFileSync(file, 'left over');
  const twoHoursAgo = (Date.now() - 2 * 3600_000) / 1000;
  utimesSync(orphanOld, twoHoursAgo, twoHoursAgo);
  utimesSync(staleTemp, twoHoursAgo, twoHoursAgo);
  f.clock.time = Date.now() + 61_000;
  const result = await sweepArtifacts({ store: f.store, files: f.files, clock: f.clock });
  assert.deepEqual(result, { expired: 1, orphans: 2 });
  assert.deepEqual((await f.store.artifacts.listForRun(run.id)).map((a) => a.name), ['long']);
  assert.deepEqual(f.filesOnDisk().sort(), ['artifacts/' + (await f.store.artifacts.listForRun(run.id))[0]!.blob.slice('artifacts/'.length), 'caches/00000000-0000-4000-8000-000000000001.tar.gz'].sort());
  // Runs deleted by run retention take their rows; the next sweep (an hour later) takes the files.
  assert.equal(await f.store.runs.prune({ keepPerProject: 0 }), 1);
  utimesSync(join(f.dataDir, f.filesOnDisk().find((p) => p.startsWith('artifacts/'))!), twoHoursAgo, twoHoursAgo);
  assert.deepEqual(await sweepArtifacts({ store: f.store, files: f.files, clock: f.clock }), { expired: 0, orphans: 1 });
  assert.deepEqual(f.filesOnDisk(), ['caches/00000000-0000-4000-8000-000000000001.tar.gz']);
});
