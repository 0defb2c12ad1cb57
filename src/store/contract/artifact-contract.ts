import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { NewArtifact, NewCacheEntry } from '../index.js';
import { addProject, freshStore, pushEvent, rejectsWithCode, type MakeStoreHarness } from './harness.js';

export function artifactStoreContract(make: MakeStoreHarness): void {
  describe('ArtifactStore and CacheStore contract', () => {
    test('artifacts: add, list by run and jobs, a later attempt replaces, an earlier one is STORE_CONFLICT, expiry, blobs, cascade with the run', async (t) => {
      const { store, clock } = await freshStore(t, make);
      const project = await addProject(store);
      const run = await store.runs.create({ projectId: project.id, event: pushEvent(), trigger: { kind: 'push' } });
      const base = (over: Partial<NewArtifact>): NewArtifact => ({
        projectId: project.id, runId: run.id, jobId: 'build', attempt: 1, name: 'dist', sizeBytes: 10, sha256: 'a'.repeat(64), blob: 'artifacts/1.tar.gz', expiresAt: clock.now() + 1000, ...over,
      });
      const first = await store.artifacts.add(base({}));
      assert.equal(first.replaced, undefined);
      assert.deepEqual(first.artifact, { ...base({}), id: first.artifact.id, createdAt: clock.now() });
      await store.artifacts.add(base({ jobId: 'test', name: 'coverage', blob: 'artifacts/2.tar.gz', expiresAt: clock.now() + 5000 }));
      const second = await store.artifacts.add(base({ attempt: 2, blob: 'artifacts/3.tar.gz', sizeBytes: 20 }));
      assert.equal(second.replaced?.blob, 'artifacts/1.tar.gz', 'the earlier attempt\'s file is handed back for deletion');
      await rejectsWithCode(store.artifacts.add(base({ attempt: 1, blob: 'artifacts/4.tar.gz' })), 'STORE_CONFLICT');
      assert.deepEqual((await store.artifacts.listForRun(run.id)).map((a) => [a.jobId, a.name, a.attempt]), [['build', 'dist', 2], ['test', 'coverage', 1]]);
      assert.deepEqual((await store.artifacts.listForRun(run.id, ['test'])).map((a) => a.name), ['coverage']);
      assert.deepEqual(await store.artifacts.listForRun(run.id, []), []);
      assert.equal((await store.artifacts.get(second.artifact.id))?.sizeBytes, 20);
      assert.deepEqual((await store.artifacts.blobs()).sort(), ['artifacts/2.tar.gz', 'artifacts/3.tar.gz']);
      clock.advance(2000);
      assert.deepEqual((await store.artifacts.listExpired(clock.now(), 10)).map((a) => a.blob), ['artifacts/3.tar.gz']);
      assert.equal(await store.artifacts.delete(second.artifact.id), true);
      assert.equal(await store.artifacts.delete(second.artifact.id), false);
      await rejectsWithCode(store.artifacts.add(base({ runId: run.id + 99, blob: 'artifacts/5.tar.gz' })), 'STORE_NOT_FOUND');
      await store.runs.update(run.id, { status: 'success' });
      assert.equal(await store.runs.prune({ keepPerProject: 0 }), 1);
      assert.deepEqual(await store.artifacts.blobs(), [], 'rows go with their run');
    });

    test('caches: immutable keys per scope, exact key before the newest prefix match, prefixes in order, touch, usage and LRU order', async (t) => {
      const { store, clock } = await freshStore(t, make);
      const project = await addProject(store);
      const other = await addProject(store, 'other');
      let n = 0;
      const entry = (scope: string, key: string, over: Partial<NewCacheEntry> = {}): NewCacheEntry => ({
        projectId: project.id, scope, key, sizeBytes: 100, sha256: 'b'.repeat(64), blob: `caches/${++n}.tar.gz`, ...over,
      });
      const a = await store.caches.add(entry('branch:main', 'npm-aaa'));
      assert.ok(a);
      assert.equal(await store.caches.add(entry('branch:main', 'npm-aaa')), undefined, 'a taken key keeps its entry');
      clock.advance(10);
      const b = await store.caches.add(entry('branch:main', 'npm-bbb'));
      clock.advance(10);
      await store.caches.add(entry('branch:main', 'npm%-x'));
      await store.caches.add(entry('pr:7', 'npm-ccc'));
      await store.caches.add(entry('branch:main', 'npm-zzz', { projectId: other.id }));
      assert.equal(await store.caches.has(project.id, 'branch:main', 'npm-aaa'), true);
      assert.equal(await store.caches.has(project.id, 'pr:7', 'npm-aaa'), false);
      assert.equal((await store.caches.find(project.id, 'branch:main', 'npm-aaa', ['npm-']))?.id, a.id, 'the exact key wins over a newer prefix match');
      assert.equal((await store.caches.find(project.id, 'branch:main', 'npm-none', ['npm-']))?.id, b?.id, 'newest entry with the prefix');
      assert.equal((await store.caches.find(project.id, 'branch:main', 'x', ['yarn-', 'npm%']))?.key, 'npm%-x', 'prefixes tried in order; % is no wildcard');
      assert.equal(await store.caches.find(project.id, 'branch:main', 'x', ['NPM-', 'npm_']), undefined, 'prefixes compare case and _ exactly');
      assert.equal(await store.caches.find(project.id, 'branch:dev', 'npm-aaa', ['npm-']), undefined, 'another scope sees nothing');
      assert.equal(await store.caches.usage(project.id), 400);
      assert.deepEqual((await store.caches.leastRecentlyUsed(project.id, 2)).map((e) => e.key), ['npm-aaa', 'npm-bbb']);
      clock.advance(10);
      await store.caches.touch(a.id);
      assert.deepEqual((await store.caches.leastRecentlyUsed(project.id, 10)).map((e) => e.key), ['npm-bbb', 'npm%-x', 'npm-ccc', 'npm-aaa']);
      assert.equal(await store.caches.delete(a.id), true);
      assert.equal(await store.caches.delete(a.id), false);
      assert.equal(await store.caches.usage(project.id), 300);
      assert.equal((await store.caches.blobs()).length, 4);
      await store.projects.delete(other.id);
      assert.equal((await store.caches.blobs()).length, 3, 'entries go with their project');
    });
  });
}
