import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addProject, freshStore, pushEvent, rejectsWithCode, type MakeStoreHarness } from './harness.js';

export function projectStoreContract(make: MakeStoreHarness): void {
  describe('ProjectStore contract', () => {
    test('create fills defaults and timestamps; get by id and name; list by name', async (t) => {
      const { store, clock } = await freshStore(t, make);
      const b = await addProject(store, 'beta');
      const a = await store.projects.create({
        name: 'alpha', repoUrl: 'file:///srv/git/alpha.git', forge: 'gitea', webhookSecret: 's3cret', defaultBranch: 'trunk',
        pollIntervalMs: 60_000, settings: { autoCancel: true, priority: 5 },
      });
      assert.deepEqual(b.settings, { autoCancel: false, maxConcurrentRuns: null, priority: 0, protectedEnvironments: [], public: false });
      assert.equal(b.defaultBranch, 'main');
      assert.equal(b.webhookSecret, null);
      assert.equal(b.createdAt, clock.now());
      assert.deepEqual(a.settings, { autoCancel: true, maxConcurrentRuns: null, priority: 5, protectedEnvironments: [], public: false });
      assert.notEqual(a.id, b.id);
      assert.deepEqual(await store.projects.getById(a.id), a);
      assert.deepEqual(await store.projects.getByName('alpha'), a);
      assert.equal(await store.projects.getByName('gamma'), undefined);
      assert.equal(await store.projects.getById(9999), undefined);
      assert.deepEqual((await store.projects.list()).map((p) => p.name), ['alpha', 'beta']);
    });

    test('a taken name is STORE_CONFLICT and changes nothing', async (t) => {
      const { store } = await freshStore(t, make);
      await addProject(store, 'app');
      const err = await rejectsWithCode(addProject(store, 'app', { forge: 'gitlab' }), 'STORE_CONFLICT');
      assert.deepEqual(err.details, { name: 'app' });
      assert.equal((await store.projects.list()).length, 1);
      assert.equal((await store.projects.getByName('app'))?.forge, 'github');
    });

    test('update patches given fields, merges settings, null clears, bumps updatedAt', async (t) => {
      const { store, clock } = await freshStore(t, make);
      const p = await addProject(store, 'app', { webhookSecret: 'x', pollIntervalMs: 1000, settings: { priority: 2 } });
      clock.advance(500);
      const u = await store.projects.update(p.id, { webhookSecret: null, defaultBranch: 'dev', settings: { maxConcurrentRuns: 3 } });
      assert.equal(u.webhookSecret, null);
      assert.equal(u.defaultBranch, 'dev');
      assert.equal(u.pollIntervalMs, 1000);
      assert.equal(u.repoUrl, p.repoUrl);
      assert.deepEqual(u.settings, { autoCancel: false, maxConcurrentRuns: 3, priority: 2, protectedEnvironments: [], public: false });
      assert.equal(u.createdAt, p.createdAt);
      assert.equal(u.updatedAt, p.createdAt + 500);
      assert.deepEqual(await store.projects.getById(p.id), u);
      assert.equal((await store.projects.update(p.id, { settings: { public: true } })).settings.public, true);
      await rejectsWithCode(store.projects.update(4242, { defaultBranch: 'x' }), 'STORE_NOT_FOUND');
    });

    test('delete removes the project with its runs; a second delete answers false', async (t) => {
      const { store } = await freshStore(t, make);
      const p = await addProject(store);
      const keep = await addProject(store, 'other');
      const run = await store.runs.create({ projectId: p.id, event: pushEvent(), trigger: { kind: 'push' } });
      const other = await store.runs.create({ projectId: keep.id, event: pushEvent(), trigger: { kind: 'push' } });
      assert.equal(await store.projects.delete(p.id), true);
      assert.equal(await store.projects.delete(p.id), false);
      assert.equal(await store.projects.getById(p.id), undefined);
      assert.equal(await store.runs.get(run.id), undefined);
      assert.deepEqual(await store.runs.get(other.id), other);
    });
  });
}
