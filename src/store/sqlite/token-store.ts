import { GantryError } from '../../core/index.js';
import type { ApiToken, NewApiToken, TokenStore } from '../index.js';
import type { SqliteDb } from './db.js';
import { toToken } from './rows.js';

export class SqliteTokenStore implements TokenStore {
  constructor(private readonly db: SqliteDb) {}

  create(input: NewApiToken): Promise<ApiToken> {
    return this.db.call('tokens.create', async () => {
      try {
        const row = await this.db.kysely.insertInto('api_tokens')
          .values({
            name: input.name, hash: input.hash, created_at: this.db.clock.now(), last_used_at: null,
            user_id: input.userId ?? null, scope: input.scope ?? 'write', expires_at: input.expiresAt ?? null,
          })
          .returningAll().executeTakeFirstOrThrow();
        return toToken(row);
      } catch (err) {
        // Never echo the hash into messages or details: it identifies a credential.
        if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new GantryError('STORE_CONFLICT', `a token with the same hash already exists (name "${input.name}")`, { cause: err });
        }
        throw err;
      }
    });
  }

  findByHash(hash: string): Promise<ApiToken | undefined> {
    return this.db.call('tokens.findByHash', async () => {
      const row = this.db.first(this.db.kysely.selectFrom('api_tokens').selectAll().where('hash', '=', hash));
      return row && toToken(row);
    });
  }

  list(filter: { userId?: number } = {}): Promise<ApiToken[]> {
    return this.db.call('tokens.list', async () => {
      let query = this.db.kysely.selectFrom('api_tokens').selectAll().orderBy('id');
      if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
      return (await query.execute()).map(toToken);
    });
  }

  getById(id: number): Promise<ApiToken | undefined> {
    return this.db.call('tokens.getById', async () => {
      const row = this.db.first(this.db.kysely.selectFrom('api_tokens').selectAll().where('id', '=', id));
      return row && toToken(row);
    });
  }

  touch(id: number): Promise<void> {
    return this.db.call('tokens.touch', async () => {
      await this.db.kysely.updateTable('api_tokens').set({ last_used_at: this.db.clock.now() }).where('id', '=', id).execute();
    });
  }

  delete(id: number): Promise<boolean> {
    return this.db.call('tokens.delete', async () => {
      const result = await this.db.kysely.deleteFrom('api_tokens').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }
}
