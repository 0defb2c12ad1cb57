import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SecretScope } from '../index.js';
import { addProject, freshStore, rejectsWithCode, type MakeStoreHarness } from './harness.js';

const instance: SecretScope = { kind: 'instance' };

export function secretStoreContract(make: MakeStoreHarness): void {
  describe('SecretStore contract', () => {
    test('put creates then replaces (created_at kept), list shows names and times only, delete', async (t) => {
      const { store, clock } = await freshStore(t, make);
      const first = await store.secrets.put(instance, 'TOKEN', 'sealed-1');
      assert.deepEqual(first, { created: true, secret: { name: 'TOKEN', createdAt: clock.now(), updatedAt: clock.now() } });
      const createdAt = clock.now();
      clock.advance(1000);
      const second = await store.secrets.put(instance, 'TOKEN', 'sealed-2');
      assert.deepEqual(second, { created: false, secret: { name: 'TOKEN', createdAt, updatedAt: clock.now() } });
      await store.secrets.put(instance, 'A_KEY', 'sealed-3');
      const listed = await store.secrets.list(instance);
      assert.deepEqual(listed.map((s) => s.name), ['A_KEY', 'TOKEN']);
      assert.ok(listed.every((s) => !('sealed' in s)), 'list never carries the sealed value');
      assert.equal(await store.secrets.delete(instance, 'TOKEN'), true);
      assert.equal(await store.secrets.delete(instance, 'TOKEN'), false);
      assert.deepEqual((await store.secrets.list(instance)).map((s) => s.name), ['A_KEY']);
    });

    test('scopes are separate: the same name in the instance and in two projects', async (t) => {
      const { store } = await freshStore(t, make);
      const app = await addProject(store, 'app');
      const web = await addProject(store, 'web');
      const appScope: SecretScope = { kind: 'project', projectId: app.id };
      await store.secrets.put(instance, 'TOKEN', 'i');
      await store.secrets.put(appScope, 'TOKEN', 'a');
      await store.secrets.put(appScope, 'OTHER', 'o');
      assert.deepEqual((await store.secrets.getMany(appScope, ['TOKEN', 'MISSING'])).map((s) => [s.name, s.sealed, s.scope]), [['TOKEN', 'a', appScope]]);
      assert.deepEqual((await store.secrets.getMany(instance, ['TOKEN'])).map((s) => [s.sealed, s.scope]), [['i', instance]]);
      assert.deepEqual(await store.secrets.list({ kind: 'project', projectId: web.id }), []);
      assert.deepEqual(await store.secrets.getMany(appScope, []), []);
      assert.equal(await store.secrets.delete(appScope, 'TOKEN'), true);
      assert.equal((await store.secrets.getMany(instance, ['TOKEN'])).length, 1, 'deleting the project secret keeps the instance one');
    });

    test('a deleted project takes its secrets; a project scope naming no project is STORE_INVALID', async (t) => {
      const { store } = await freshStore(t, make);
      const app = await addProject(store, 'app');
      await store.secrets.put({ kind: 'project', projectId: app.id }, 'TOKEN', 'a');
      await store.secrets.put(instance, 'TOKEN', 'i');
      await rejectsWithCode(store.secrets.put({ kind: 'project', projectId: app.id + 100 }, 'TOKEN', 'x'), 'STORE_INVALID');
      await store.projects.delete(app.id);
      assert.deepEqual((await store.secrets.listAll()).map((s) => s.scope.kind), ['instance']);
    });

    test('listAll and replaceSealed compare-and-set (key rotation)', async (t) => {
      const { store } = await freshStore(t, make);
      const app = await addProject(store, 'app');
      await store.secrets.put(instance, 'B', 'b-old');
      await store.secrets.put({ kind: 'project', projectId: app.id }, 'A', 'a-old');
      const all = await store.secrets.listAll();
      assert.deepEqual(all.map((s) => [s.name, s.sealed]), [['B', 'b-old'], ['A', 'a-old']]);
      assert.equal(await store.secrets.replaceSealed(all[0]!.id, 'b-old', 'b-new'), true);
      assert.equal(await store.secrets.replaceSealed(all[0]!.id, 'b-old', 'b-newer'), false, 'a value changed meanwhile is not overwritten');
      assert.deepEqual((await store.secrets.getMany(instance, ['B'])).map((s) => s.sealed), ['b-new']);
    });
  });
}
