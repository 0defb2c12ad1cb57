import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { storeContract, type StoreHarness } from '../contract/index.js';
import type { Store } from '../index.js';
import { createSqliteStore } from './index.js';

/** Every contract scenario against a real SQLite file in a fresh temp directory. */
async function sqliteHarness(): Promise<StoreHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-store-contract-'));
  const file = join(dir, 'gantry.db');
  const opened: Store[] = [];
  return {
    async open(clock) {
      const store = await createSqliteStore({ file, clock });
      opened.push(store);
      return store;
    },
    async cleanup() {
      for (const store of opened) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

storeContract(sqliteHarness);

test('synchronous: full unless normal is asked for, as SQLite itself reports it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-store-sync-'));
  try {
    for (const [asked, expected] of [[undefined, 'full'], ['full', 'full'], ['normal', 'normal']] as const) {
      const store = await createSqliteStore({ file: join(dir, 'gantry.db'), ...(asked && { synchronous: asked }) });
      assert.equal(store.synchronous, expected, `asked ${asked ?? 'nothing'}`);
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
