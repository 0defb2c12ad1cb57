import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHash } from 'node:crypto';
import { bytes, leaseFixture, push, streamOf } from '../../../../test/server/helpers/lease-fixture.js';
import { storageApp } from '../../../../test/server/helpers/storage-app.js';

const signal = () => AbortSignal.timeout(10_000);

test('artifacts API: list and download for a viewer; 404 for a caller who may not see the project, an unknown id and another run\'s artifact; delete for a maintainer only', async (t) => {
  const f = await leaseFixture(t);
  const first = await f.leaseRun(push('main'));
  const content = bytes('d', 5000);
  await f.storage(first.lease).uploadArtifact('test (node: 20) "ü"', streamOf(content), undefined, signal());
  await f.done(first.lease);
  const second = await f.leaseRun(push('main', 'e'.repeat(40)));
  await f.storage(second.lease).uploadArtifact('other', streamOf(bytes('o', 10)), undefined, signal());
  await f.done(second.lease);

  const { app, call } = await storageApp(t, f);
  const get = (who: 'vera' | 'nobody' | 'max', url: string) => call(who, 'GET', url);

  const list = await get('vera', '/api/v1/projects/demo/runs/1/artifacts');
  assert.equal(list.statusCode, 200, list.body);
  const { artifacts } = list.json() as { artifacts: { id: number; jobId: string; name: string; sizeBytes: number; sha256: string; createdAt: string; expiresAt: string }[] };
  assert.equal(artifacts.length, 1);
  const [artifact] = artifacts;
  assert.deepEqual({ ...artifact, id: 0, createdAt: '', expiresAt: '' }, {
    id: 0, jobId: 'build', name: 'test (node: 20) "ü"', sizeBytes: 5000, sha256: createHash('sha256').update(content).digest('hex'), createdAt: '', expiresAt: '',
  });
  assert.ok(Date.parse(artifact!.expiresAt) > Date.parse(artifact!.createdAt));

  const download = await get('vera', `/api/v1/projects/demo/runs/1/artifacts/${artifact!.id}`);
  assert.equal(download.statusCode, 200);
  assert.equal(download.headers['content-type'], 'application/gzip');
  assert.equal(download.headers['content-disposition'], `attachment; filename="test_node_20_.tar.gz"; filename*=UTF-8''${encodeURIComponent('test (node: 20) "ü".tar.gz')}`, 'no quote or non-ASCII byte in the plain filename');
  assert.deepEqual(download.rawPayload, content);

  const otherRunsId = (await f.store.artifacts.listForRun(second.run.id))[0]!.id;
  for (const [who, url, code] of [
    ['vera', `/api/v1/projects/demo/runs/1/artifacts/${otherRunsId}`, 'ARTIFACT_NOT_FOUND'],
    ['vera', '/api/v1/projects/demo/runs/1/artifacts/99999', 'ARTIFACT_NOT_FOUND'],
    ['vera', '/api/v1/projects/demo/runs/77/artifacts', 'RUN_NOT_FOUND'],
    ['nobody', '/api/v1/projects/demo/runs/1/artifacts', 'PROJECT_NOT_FOUND'],
    ['nobody', `/api/v1/projects/demo/runs/1/artifacts/${artifact!.id}`, 'PROJECT_NOT_FOUND'],
  ] as const) {
    const res = await get(who, url);
    assert.equal(res.statusCode, 404, `${who} ${url}`);
    assert.equal(res.headers['content-type'], 'application/problem+json');
    assert.equal((res.json() as { code: string }).code, code, `${who} ${url}`);
  }
  assert.equal((await app.inject({ method: 'GET', url: '/api/v1/projects/demo/runs/1/artifacts' })).statusCode, 401, 'anonymous, the project not public: a credential is needed');
  assert.equal((await get('vera', '/api/v1/projects/demo/runs/1/artifacts/abc')).statusCode, 400, 'an id that is not a number is a bad request');

  const del = (who: 'vera' | 'nobody' | 'max', id: number) => call(who, 'DELETE', `/api/v1/projects/demo/runs/1/artifacts/${id}`);
  assert.equal((await del('vera', artifact!.id)).statusCode, 403, 'a viewer may not delete');
  assert.equal((await del('max', otherRunsId)).statusCode, 404, 'not through another run');
  assert.equal(f.filesOnDisk().length, 2);
  assert.equal((await del('max', artifact!.id)).statusCode, 204);
  assert.equal(f.filesOnDisk().length, 1, 'its file is gone with it');
  assert.equal((await get('vera', `/api/v1/projects/demo/runs/1/artifacts/${artifact!.id}`)).statusCode, 404);
  assert.equal((await del('max', artifact!.id)).statusCode, 404);
});
