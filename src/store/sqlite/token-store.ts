import { GantryError } from '../../core/index.js';
import type { ApiToken, TokenStore } from '../index.js';
import type { SqliteDb } from './db.js';
import { toToken } from './rows.js';

export class SqliteTokenStore implements TokenStore {
  constructor(private readonly db: SqliteDb) {}

  create(input: { name: string; hash: string }): Promise<ApiToken> {
    return this.db.call('tokens.create', async () => {
      try {
        const row = await this.db.kysely.insertInto('api_tokens')
          .values({ name: input.name, hash: input.hash, created_at: this.db.clock.now(), last_used_at: null })
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
      const row = await this.db.kysely.selectFrom('api_tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
      return row && toToken(row);
    });
  }

  list(): Promise<ApiToken[]> {
    return this.db.call('tokens.list', async () =>
      (await this.db.kysely.selectFrom('api_tokens').selectAll().orderBy('id').execute()).map(toToken));
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
