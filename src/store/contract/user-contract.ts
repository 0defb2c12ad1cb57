import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { addProject, freshStore, rejectsWithCode, type MakeStoreHarness } from './harness.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Users, memberships, refresh tokens, and personal API tokens (owner, scope, expiry). */
export function userStoreContract(make: MakeStoreHarness): void {
  describe('UserStore contract', () => {
    test('create, get, list, count, update; a taken username is STORE_CONFLICT; update of a missing id is STORE_NOT_FOUND', async (t) => {
      const { store, clock } = await freshStore(t, make);
      assert.equal(await store.users.count(), 0);
      const bob = await store.users.create({ username: 'bob', passwordHash: 'h1' });
      assert.deepEqual(bob, { id: bob.id, username: 'bob', displayName: null, passwordHash: 'h1', admin: false, active: true, createdAt: clock.now(), updatedAt: clock.now() });
      await store.users.create({ username: 'alice', displayName: 'Alice', passwordHash: 'h2', admin: true });
      await rejectsWithCode(store.users.create({ username: 'bob', passwordHash: 'x' }), 'STORE_CONFLICT');
      assert.deepEqual((await store.users.list()).map((u) => u.username), ['alice', 'bob']);
      assert.equal(await store.users.count(), 2);
      assert.deepEqual(await store.users.getByUsername('bob'), bob);
      assert.deepEqual(await store.users.getById(bob.id), bob);
      clock.advance(1000);
      const changed = await store.users.update(bob.id, { admin: true, active: false, passwordHash: 'h3', displayName: 'Bob' });
      assert.deepEqual([changed.admin, changed.active, changed.passwordHash, changed.displayName, changed.updatedAt], [true, false, 'h3', 'Bob', clock.now()]);
      await rejectsWithCode(store.users.update(9999, { admin: true }), 'STORE_NOT_FOUND');
    });

    test("deleting a user deletes their API tokens, refresh tokens and memberships; bootstrap tokens stay", async (t) => {
      const { store, clock } = await freshStore(t, make);
      const project = await addProject(store);
      const bob = await store.users.create({ username: 'bob', passwordHash: 'h' });
      await store.tokens.create({ name: 'bootstrap', hash: sha256('boot') });
      const personal = await store.tokens.create({ name: 'ci', hash: sha256('p1'), userId: bob.id, scope: 'read', expiresAt: clock.now() + 1000 });
      assert.deepEqual([personal.userId, personal.scope, personal.expiresAt], [bob.id, 'read', clock.now() + 1000]);
      assert.deepEqual(await store.tokens.getById(personal.id), personal);
      assert.deepEqual((await store.tokens.list({ userId: bob.id })).map((x) => x.name), ['ci']);
      await store.members.set(project.id, bob.id, 'developer');
      await store.refreshTokens.create({ userId: bob.id, family: 'f1', hash: sha256('r1'), expiresAt: clock.now() + 1000 });
      assert.equal(await store.users.delete(bob.id), true);
      assert.equal(await store.users.delete(bob.id), false);
      assert.equal(await store.tokens.findByHash(sha256('p1')), undefined);
      assert.equal(await store.refreshTokens.findByHash(sha256('r1')), undefined);
      assert.equal(await store.members.get(project.id, bob.id), undefined);
      assert.deepEqual((await store.tokens.list()).map((x) => [x.name, x.userId, x.scope, x.expiresAt]), [['bootstrap', null, 'write', null]]);
    });
  });

  describe('MemberStore contract', () => {
    test('set inserts or replaces the role; get, list by project (by username) and by user; remove; missing user is STORE_NOT_FOUND', async (t) => {
      const { store } = await freshStore(t, make);
      const web = await addProject(store, 'web');
      const api = await addProject(store, 'api');
      const zed = await store.users.create({ username: 'zed', passwordHash: 'h' });
      const amy = await store.users.create({ username: 'amy', passwordHash: 'h' });
      await store.members.set(web.id, zed.id, 'viewer');
      await store.members.set(web.id, zed.id, 'maintainer');
      await store.members.set(web.id, amy.id, 'developer');
      await store.members.set(api.id, zed.id, 'viewer');
      assert.equal((await store.members.get(web.id, zed.id))?.role, 'maintainer');
      assert.deepEqual((await store.members.listByProject(web.id)).map((m) => [m.username, m.role]), [['amy', 'developer'], ['zed', 'maintainer']]);
      assert.deepEqual((await store.members.listByUser(zed.id)).map((m) => [m.projectId, m.role]), [[web.id, 'maintainer'], [api.id, 'viewer']]);
      assert.equal(await store.members.remove(web.id, zed.id), true);
      assert.equal(await store.members.remove(web.id, zed.id), false);
      await rejectsWithCode(store.members.set(web.id, 9999, 'viewer'), 'STORE_NOT_FOUND');
      await store.projects.delete(api.id);
      assert.deepEqual(await store.members.listByUser(zed.id), []);
    });
  });

  describe('RefreshTokenStore contract', () => {
    test('markUsed wins once; revokeFamily revokes every token of the family only', async (t) => {
      const { store, clock } = await freshStore(t, make);
      const bob = await store.users.create({ username: 'bob', passwordHash: 'h' });
      const first = await store.refreshTokens.create({ userId: bob.id, family: 'f1', hash: sha256('a'), expiresAt: clock.now() + 10 });
      await store.refreshTokens.create({ userId: bob.id, family: 'f1', hash: sha256('b'), expiresAt: clock.now() + 10 });
      const other = await store.refreshTokens.create({ userId: bob.id, family: 'f2', hash: sha256('c'), expiresAt: clock.now() + 10 });
      await rejectsWithCode(store.refreshTokens.create({ userId: bob.id, family: 'f3', hash: sha256('a'), expiresAt: 1 }), 'STORE_CONFLICT');
      const wins = await Promise.all([store.refreshTokens.markUsed(first.id), store.refreshTokens.markUsed(first.id)]);
      assert.deepEqual(wins.sort(), [false, true]);
      assert.equal((await store.refreshTokens.findByHash(sha256('a')))?.usedAt, clock.now());
      assert.equal(await store.refreshTokens.revokeFamily('f1'), 2);
      assert.equal(await store.refreshTokens.revokeFamily('f1'), 0);
      assert.notEqual((await store.refreshTokens.findByHash(sha256('b')))?.revokedAt, null);
      assert.equal((await store.refreshTokens.findByHash(sha256('c')))?.revokedAt, null);
      assert.equal(await store.refreshTokens.markUsed(other.id), true);
    });
  });
}
