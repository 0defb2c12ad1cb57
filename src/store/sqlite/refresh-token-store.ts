import type { Selectable } from 'kysely';
import { GantryError } from '../../core/index.js';
import type { RefreshToken, RefreshTokenStore } from '../index.js';
import type { SqliteDb } from './db.js';
import type { RefreshTokensTable } from './tables.js';

function toRefreshToken(row: Selectable<RefreshTokensTable>): RefreshToken {
  return {
    id: row.id, userId: row.user_id, family: row.family, hash: row.hash,
    createdAt: row.created_at, expiresAt: row.expires_at, usedAt: row.used_at, revokedAt: row.revoked_at,
  };
}

export class SqliteRefreshTokenStore implements RefreshTokenStore {
  constructor(private readonly db: SqliteDb) {}

  create(input: { userId: number; family: string; hash: string; expiresAt: number }): Promise<RefreshToken> {
    return this.db.call('refreshTokens.create', async () => {
      try {
        const row = await this.db.kysely
          .insertInto('refresh_tokens')
          .values({ user_id: input.userId, family: input.family, hash: input.hash, created_at: this.db.clock.now(), expires_at: input.expiresAt, used_at: null, revoked_at: null })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toRefreshToken(row);
      } catch (err) {
        // Never echo the hash: it identifies a credential.
        if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new GantryError('STORE_CONFLICT', 'a refresh token with the same hash already exists', { cause: err });
        throw err;
      }
    });
  }

  findByHash(hash: string): Promise<RefreshToken | undefined> {
    return this.db.call('refreshTokens.findByHash', async () => {
      const row = this.db.first(this.db.kysely.selectFrom('refresh_tokens').selectAll().where('hash', '=', hash));
      return row && toRefreshToken(row);
    });
  }

  markUsed(id: number): Promise<boolean> {
    return this.db.call('refreshTokens.markUsed', async () => {
      const result = await this.db.kysely
        .updateTable('refresh_tokens')
        .set({ used_at: this.db.clock.now() })
        .where('id', '=', id).where('used_at', 'is', null).where('revoked_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    });
  }

  revokeFamily(family: string): Promise<number> {
    return this.db.call('refreshTokens.revokeFamily', async () => {
      const result = await this.db.kysely
        .updateTable('refresh_tokens')
        .set({ revoked_at: this.db.clock.now() })
        .where('family', '=', family).where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    });
  }
}
