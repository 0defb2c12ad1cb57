import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../index.js';
import { createSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';

export interface TempSqliteStore {
  store: Store;
  /** The database file (in its own temp directory). */
  file: string;
  dir: string;
  /** Opens the same file again (e.g. after `store.close()`, to check durability); options override the first ones. */
  reopen(options?: Omit<SqliteStoreOptions, 'file'>): Promise<Store>;
  /** Closes every store this helper opened and removes the directory. Idempotent. */
  cleanup(): Promise<void>;
}

/**
 * Tests: a real SQLite file in a fresh temp directory (never `:memory:`, so WAL, locking and
 * durability behave as in production). Call `cleanup()` in an `after`/`t.after` hook.
 */
export async function openTempSqliteStore(options: Omit<SqliteStoreOptions, 'file'> = {}): Promise<TempSqliteStore> {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-store-'));
  const file = join(dir, 'gantry.db');
  const opened: Store[] = [];
  const open = async (overrides: Omit<SqliteStoreOptions, 'file'> = {}) => {
    const store = await createSqliteStore({ ...options, ...overrides, file });
    opened.push(store);
    return store;
  };
  const store = await open();
  return {
    store,
    file,
    dir,
    reopen: (overrides = {}) => open(overrides),
    async cleanup() {
      for (const s of opened.splice(0)) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
