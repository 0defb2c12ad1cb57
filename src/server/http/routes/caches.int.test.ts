// The caches API on the real HTTP app with real SQLite and blob files: what each role may do, and
// that deleting an entry lets the next run save a fresh one under the same key.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { bytes, leaseFixture, push, streamOf } from '../../../../test/server/helpers/lease-fixture.js';
import { storageApp } from '../../../../test/server/helpers/storage-app.js';

const signal = () => AbortSignal.timeout(10_000);

test('caches API: a viewer lists, only a maintainer deletes (file too), another project\'s or an unknown id is 404, and the key can be saved again', async (t) => {
  const f = await leaseFixture(t);
  const first = await f.leaseRun(push('main'));
  assert.equal(await f.storage(first.lease).saveCache('deps-v1', streamOf(bytes('c', 700)), signal()), true);
  assert.equal(await f.storage(first.lease).saveCache('tools-v1', streamOf(bytes('t', 300)), signal()), true);
  await f.done(first.lease);

  const { call } = await storageApp(t, f);

  const listed = await call('vera', 'GET', '/api/v1/projects/demo/caches');
  assert.equal(listed.statusCode, 200, listed.body);
  const body = listed.json() as { caches: { id: number; scope: string; key: string; sizeBytes: number }[]; totalBytes: number };
  assert.deepEqual(body.caches.map((c) => [c.scope, c.key, c.sizeBytes]).sort(), [['branch:main', 'deps-v1', 700], ['branch:main', 'tools-v1', 300]]);
  assert.equal(body.totalBytes, 1000);
  const deps = body.caches.find((c) => c.key === 'deps-v1')!;
  const blob = (await f.store.caches.leastRecentlyUsed(f.project.id, 10)).find((e) => e.id === deps.id)!.blob;
  assert.ok(existsSync(join(f.dataDir, blob)), 'the entry has its file');

  assert.equal((await call('nobody', 'GET', '/api/v1/projects/demo/caches')).statusCode, 404, 'an invisible project is 404');
  assert.equal((await call('vera', 'DELETE', `/api/v1/projects/demo/caches/${deps.id}`)).statusCode, 403, 'a viewer may not delete');
  assert.equal((await call('max', 'DELETE', '/api/v1/projects/demo/caches/99999')).json<{ code: string }>().code, 'CACHE_NOT_FOUND');
  assert.equal((await call('max', 'DELETE', `/api/v1/projects/demo/caches/${deps.id}`)).statusCode, 204);
  assert.equal((await call('max', 'DELETE', `/api/v1/projects/demo/caches/${deps.id}`)).statusCode, 404, 'gone');
  assert.ok(!existsSync(join(f.dataDir, blob)), 'the file went with the row');

  const second = await f.leaseRun(push('main', 'e'.repeat(40)));
  assert.equal(await f.storage(second.lease).saveCache('deps-v1', streamOf(bytes('n', 50)), signal()), true, 'the key is free again');
  await f.done(second.lease);
});
