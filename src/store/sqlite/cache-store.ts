import type { Selectable } from 'kysely';
import type { CacheEntry, CacheStore, NewCacheEntry } from '../index.js';
import type { SqliteDb } from './db.js';
import type { CachesTable } from './tables.js';

// Entries are immutable: a key taken in the scope keeps its entry, the insert does nothing.
const INSERT = `INSERT INTO caches (project_id, scope, key, size_bytes, sha256, blob, created_at, last_used_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (project_id, scope, key) DO NOTHING RETURNING *`;
const EXACT = 'SELECT * FROM caches WHERE project_id = ? AND scope = ? AND key = ?';
// `key >= prefix` starts the scan at the prefix in the (project_id, scope, key) index; substr
// compares bytes exactly (LIKE would fold case and treat % and _ as wildcards).
const NEWEST_WITH_PREFIX = `SELECT * FROM caches WHERE project_id = ? AND scope = ? AND key >= ? AND substr(key, 1, length(?)) = ?
ORDER BY created_at DESC, id DESC LIMIT 1`;

function toEntry(row: Selectable<CachesTable>): CacheEntry {
  return {
    id: row.id, projectId: row.project_id, scope: row.scope, key: row.key, sizeBytes: row.size_bytes, sha256: row.sha256, blob: row.blob,
    createdAt: row.created_at, lastUsedAt: row.last_used_at,
  };
}

export class SqliteCacheStore implements CacheStore {
  constructor(private readonly db: SqliteDb) {}

  add(input: NewCacheEntry): Promise<CacheEntry | undefined> {
    return this.db.call('caches.add', () => {
      const now = this.db.clock.now();
      const row = this.db.stmt(INSERT).get(input.projectId, input.scope, input.key, input.sizeBytes, input.sha256, input.blob, now, now) as Selectable<CachesTable> | undefined;
      return row && toEntry(row);
    });
  }

  has(projectId: number, scope: string, key: string): Promise<boolean> {
    return this.db.call('caches.has', () => this.db.stmt(EXACT).get(projectId, scope, key) !== undefined);
  }

  find(projectId: number, scope: string, key: string, prefixes: readonly string[]): Promise<CacheEntry | undefined> {
    return this.db.call('caches.find', () => {
      const exact = this.db.stmt(EXACT).get(projectId, scope, key) as Selectable<CachesTable> | undefined;
      if (exact) return toEntry(exact);
      for (const prefix of prefixes) {
        const row = this.db.stmt(NEWEST_WITH_PREFIX).get(projectId, scope, prefix, prefix, prefix) as Selectable<CachesTable> | undefined;
        if (row) return toEntry(row);
      }
      return undefined;
    });
  }

  touch(id: number): Promise<void> {
    return this.db.call('caches.touch', () => {
      this.db.stmt('UPDATE caches SET last_used_at = ? WHERE id = ?').run(this.db.clock.now(), id);
    });
  }

  usage(projectId: number): Promise<number> {
    return this.db.call('caches.usage', () => {
      const row = this.db.stmt('SELECT COALESCE(SUM(size_bytes), 0) AS total FROM caches WHERE project_id = ?').get(projectId) as { total: number };
      return row.total;
    });
  }

  leastRecentlyUsed(projectId: number, limit: number): Promise<CacheEntry[]> {
    return this.db.call('caches.leastRecentlyUsed', () =>
      this.db.all(this.db.kysely.selectFrom('caches').selectAll().where('project_id', '=', projectId).orderBy('last_used_at').orderBy('id').limit(limit)).map(toEntry),
    );
  }

  delete(id: number): Promise<boolean> {
    return this.db.call('caches.delete', () => this.db.stmt('DELETE FROM caches WHERE id = ?').run(id).changes > 0);
  }

  blobs(): Promise<string[]> {
    return this.db.call('caches.blobs', () => this.db.all(this.db.kysely.selectFrom('caches').select('blob')).map((row) => row.blob));
  }
}
