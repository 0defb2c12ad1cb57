import type { Selectable } from 'kysely';
import { GantryError } from '../../core/index.js';
import type { SealedSecret, SecretInfo, SecretScope, SecretStore } from '../index.js';
import type { SqliteDb } from './db.js';
import type { SecretsTable } from './tables.js';

/** `instance` or `project:<id>`: the unique key of a scope (see migration 0004). */
function scopeKey(scope: SecretScope): string {
  return scope.kind === 'instance' ? 'instance' : `project:${scope.projectId}`;
}

const EXISTS = 'SELECT 1 FROM secrets WHERE scope_key = ? AND name = ?';
// created_at survives a replace.
const UPSERT = `INSERT INTO secrets (scope_key, project_id, name, sealed, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (scope_key, name) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at
  RETURNING *`;

function scopeOf(row: Selectable<SecretsTable>): SecretScope {
  return row.project_id === null ? { kind: 'instance' } : { kind: 'project', projectId: row.project_id };
}

function toInfo(row: Pick<Selectable<SecretsTable>, 'name' | 'created_at' | 'updated_at'>): SecretInfo {
  return { name: row.name, createdAt: row.created_at, updatedAt: row.updated_at };
}

function toSealed(row: Selectable<SecretsTable>): SealedSecret {
  return { id: row.id, scope: scopeOf(row), sealed: row.sealed, ...toInfo(row) };
}

export class SqliteSecretStore implements SecretStore {
  constructor(private readonly db: SqliteDb) {}

  put(scope: SecretScope, name: string, sealed: string): Promise<{ created: boolean; secret: SecretInfo }> {
    return this.db.call('secrets.put', () => {
      const now = this.db.clock.now();
      const key = scopeKey(scope);
      try {
        // One synchronous transaction: whether the row existed and the write are one atomic step.
        return this.db.tx(() => {
          const existed = this.db.stmt(EXISTS).get(key, name) !== undefined;
          const row = this.db.stmt(UPSERT).get(key, scope.kind === 'project' ? scope.projectId : null, name, sealed, now, now) as Selectable<SecretsTable>;
          return { created: !existed, secret: toInfo(row) };
        });
      } catch (err) {
        if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
          throw new GantryError('STORE_INVALID', `no project with id ${scope.kind === 'project' ? scope.projectId : '?'} for secret ${name}`, { cause: err });
        }
        throw err;
      }
    });
  }

  delete(scope: SecretScope, name: string): Promise<boolean> {
    return this.db.call('secrets.delete', async () => {
      const result = await this.db.kysely.deleteFrom('secrets').where('scope_key', '=', scopeKey(scope)).where('name', '=', name).executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }

  list(scope: SecretScope): Promise<SecretInfo[]> {
    return this.db.call('secrets.list', async () => {
      const rows = await this.db.kysely.selectFrom('secrets').select(['name', 'created_at', 'updated_at'])
        .where('scope_key', '=', scopeKey(scope)).orderBy('name').execute();
      return rows.map(toInfo);
    });
  }

  getMany(scope: SecretScope, names: readonly string[]): Promise<SealedSecret[]> {
    return this.db.call('secrets.getMany', async () => {
      if (names.length === 0) return [];
      const rows = await this.db.kysely.selectFrom('secrets').selectAll()
        .where('scope_key', '=', scopeKey(scope)).where('name', 'in', [...names]).orderBy('name').execute();
      return rows.map(toSealed);
    });
  }

  listAll(): Promise<SealedSecret[]> {
    return this.db.call('secrets.listAll', async () => (await this.db.kysely.selectFrom('secrets').selectAll().orderBy('id').execute()).map(toSealed));
  }

  replaceSealed(id: number, expected: string, next: string): Promise<boolean> {
    return this.db.call('secrets.replaceSealed', async () => {
      const result = await this.db.kysely.updateTable('secrets').set({ sealed: next })
        .where('id', '=', id).where('sealed', '=', expected).executeTakeFirst();
      return result.numUpdatedRows > 0n;
    });
  }
}
