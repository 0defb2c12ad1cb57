import { isDeepStrictEqual } from 'node:util';
import { GantryError } from '../../core/index.js';
import type { StateStore } from '../index.js';
import { fromJson, toJson, type SqliteDb } from './db.js';

const SQL = {
  get: `SELECT value_json FROM server_state WHERE key = ?`,
  set: `INSERT INTO server_state (key, value_json, updated_at) VALUES (?, ?, ?)
        ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at`,
  delete: `DELETE FROM server_state WHERE key = ?`,
  // Range scan on the primary key instead of LIKE, so `%` and `_` in prefixes mean themselves.
  list: `SELECT key, value_json, updated_at FROM server_state WHERE key >= ? AND key < ? ORDER BY key`,
  listAll: `SELECT key, value_json, updated_at FROM server_state ORDER BY key`,
} as const;

function encode(key: string, value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new GantryError('STORE_INVALID', `state "${key}": value is not JSON-serializable`, { details: { key } });
  return text;
}

export class SqliteStateStore implements StateStore {
  constructor(private readonly db: SqliteDb) {}

  get<T = unknown>(key: string): Promise<T | undefined> {
    return this.db.call('state.get', () => {
      const row = this.db.stmt(SQL.get).get(key) as { value_json: string } | undefined;
      return row && fromJson<T>(row.value_json);
    });
  }

  set(key: string, value: unknown): Promise<void> {
    return this.db.call('state.set', () => {
      this.db.stmt(SQL.set).run(key, encode(key, value), this.db.clock.now());
    });
  }

  compareAndSet(key: string, expected: unknown, value: unknown): Promise<boolean> {
    return this.db.call('state.compareAndSet', () =>
      this.db.tx(() => {
        const row = this.db.stmt(SQL.get).get(key) as { value_json: string } | undefined;
        const current = row === undefined ? undefined : fromJson<unknown>(row.value_json);
        // Compare through JSON so `expected` matches what get() would have returned.
        const wanted = expected === undefined ? undefined : fromJson<unknown>(toJson(expected));
        if (!isDeepStrictEqual(current, wanted)) return false;
        this.db.stmt(SQL.set).run(key, encode(key, value), this.db.clock.now());
        return true;
      }),
    );
  }

  delete(key: string): Promise<boolean> {
    return this.db.call('state.delete', () => this.db.stmt(SQL.delete).run(key).changes > 0);
  }

  list<T = unknown>(prefix: string): Promise<{ key: string; value: T; updatedAt: number }[]> {
    return this.db.call('state.list', () => {
      const rows = (prefix === ''
        ? this.db.stmt(SQL.listAll).all()
        : this.db.stmt(SQL.list).all(prefix, prefix + '\u{10FFFF}')) as { key: string; value_json: string; updated_at: number }[];
      return rows.map((r) => ({ key: r.key, value: fromJson<T>(r.value_json), updatedAt: r.updated_at }));
    });
  }
}
