import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { freshStore, rejectsWithCode, type MakeStoreHarness } from './harness.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function tokenStoreContract(make: MakeStoreHarness): void {
  describe('TokenStore contract', () => {
    test('create, find by hash, touch, list, delete; a repeated hash is STORE_CONFLICT', async (t) => {
      const { store, clock } = await freshStore(t, make);
      const admin = await store.tokens.create({ name: 'admin', hash: sha256('tok-1') });
      assert.equal(admin.lastUsedAt, null);
      assert.equal(admin.createdAt, clock.now());
      assert.deepEqual(await store.tokens.findByHash(sha256('tok-1')), admin);
      assert.equal(await store.tokens.findByHash(sha256('tok-2')), undefined);
      const err = await rejectsWithCode(store.tokens.create({ name: 'again', hash: sha256('tok-1') }), 'STORE_CONFLICT');
      assert.ok(!err.message.includes(sha256('tok-1')), 'the hash is not echoed');
      clock.advance(60_000);
      await store.tokens.touch(admin.id);
      assert.equal((await store.tokens.findByHash(sha256('tok-1')))?.lastUsedAt, clock.now());
      const ci = await store.tokens.create({ name: 'ci', hash: sha256('tok-2') });
      assert.deepEqual((await store.tokens.list()).map((x) => x.name), ['admin', 'ci']);
      assert.equal(await store.tokens.delete(ci.id), true);
      assert.equal(await store.tokens.delete(ci.id), false);
      await store.tokens.touch(ci.id); // gone: no error
      assert.equal(await store.tokens.findByHash(sha256('tok-2')), undefined);
    });
  });
}

export function stateStoreContract(make: MakeStoreHarness): void {
  describe('StateStore contract', () => {
    test('get/set/delete JSON values by key', async (t) => {
      const { store } = await freshStore(t, make);
      assert.equal(await store.state.get('cron:1:nightly'), undefined);
      await store.state.set('cron:1:nightly', { lastFiredAt: 1000 });
      await store.state.set('cron:1:nightly', { lastFiredAt: 2000 });
      assert.deepEqual(await store.state.get('cron:1:nightly'), { lastFiredAt: 2000 });
      await store.state.set('poll:1', { 'refs/heads/main': 'abc' });
      assert.equal(await store.state.delete('poll:1'), true);
      assert.equal(await store.state.delete('poll:1'), false);
      assert.equal(await store.state.get('poll:1'), undefined);
      await rejectsWithCode(store.state.set('bad', undefined), 'STORE_INVALID');
    });

    test('compareAndSet writes only over the expected value', async (t) => {
      const { store } = await freshStore(t, make);
      assert.equal(await store.state.compareAndSet('k', undefined, { v: 1 }), true);
      assert.equal(await store.state.compareAndSet('k', undefined, { v: 9 }), false);
      assert.equal(await store.state.compareAndSet('k', { v: 2 }, { v: 9 }), false);
      assert.equal(await store.state.compareAndSet('k', { v: 1 }, { v: 2 }), true);
      assert.deepEqual(await store.state.get('k'), { v: 2 });
      const wins = await Promise.all(Array.from({ length: 10 }, (_, i) => store.state.compareAndSet('k', { v: 2 }, { v: 100 + i })));
      assert.equal(wins.filter(Boolean).length, 1);
    });

    test('list by prefix, in key order, with literal % and _', async (t) => {
      const { store, clock } = await freshStore(t, make);
      await store.state.set('cron:2:b', 2);
      await store.state.set('cron:2:a', 1);
      await store.state.set('cron:20:a', 3);
      await store.state.set('cron%x', 4);
      await store.state.set('poll:2', 5);
      const listed = await store.state.list<number>('cron:2:');
      assert.deepEqual(listed, [{ key: 'cron:2:a', value: 1, updatedAt: clock.now() }, { key: 'cron:2:b', value: 2, updatedAt: clock.now() }]);
      assert.deepEqual((await store.state.list('cron%')).map((e) => e.key), ['cron%x']);
      assert.equal((await store.state.list('')).length, 5);
    });
  });
}
