import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../core/index.js';
import type { Store } from '../index.js';
import { createSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';

export interface TempSqliteStore {
  store: Store;
  /** The database file (in its own temp directory). */
  file: string;
  dir: string;
  /** Opens the same file again (e.g. after `store.close()`, to check durability). */
  reopen(options?: { clock?: Clock }): Promise<Store>;
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
  const open = async (clock?: Clock) => {
    const store = await createSqliteStore({ ...options, file, ...(clock && { clock }) });
    opened.push(store);
    return store;
  };
  const store = await open(options.clock);
  return {
    store,
    file,
    dir,
    reopen: (o = {}) => open(o.clock ?? options.clock),
    async cleanup() {
      for (const s of opened.splice(0)) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
