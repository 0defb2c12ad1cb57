import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { freshStore, rejectsWithCode, type MakeStoreHarness } from './harness.js';

export function agentTokenStoreContract(make: MakeStoreHarness): void {
  describe('AgentTokenStore contract', () => {
    test('create, find by hash, list, touch, delete; a taken name or hash is STORE_CONFLICT; API tokens are another table', async (t) => {
      const { store, clock } = await freshStore(t, make);
      const a = await store.agentTokens.create({ name: 'linux-fleet', hash: 'a'.repeat(64) });
      assert.deepEqual(a, { id: a.id, name: 'linux-fleet', hash: 'a'.repeat(64), createdAt: clock.now(), lastUsedAt: null });
      await rejectsWithCode(store.agentTokens.create({ name: 'linux-fleet', hash: 'b'.repeat(64) }), 'STORE_CONFLICT');
      await rejectsWithCode(store.agentTokens.create({ name: 'other', hash: 'a'.repeat(64) }), 'STORE_CONFLICT');
      const b = await store.agentTokens.create({ name: 'mac', hash: 'c'.repeat(64) });
      assert.deepEqual((await store.agentTokens.list()).map((x) => x.name), ['linux-fleet', 'mac']);
      assert.equal(await store.tokens.findByHash('a'.repeat(64)), undefined, 'an agent token is not an API token');
      clock.advance(500);
      await store.agentTokens.touch(a.id);
      assert.equal((await store.agentTokens.findByHash('a'.repeat(64)))?.lastUsedAt, clock.now());
      assert.equal(await store.agentTokens.delete(b.id), true);
      assert.equal(await store.agentTokens.delete(b.id), false);
      assert.equal(await store.agentTokens.findByHash('c'.repeat(64)), undefined);
    });
  });
}
