import type { Selectable } from 'kysely';
import { GantryError } from '../../core/index.js';
import type { AgentToken, AgentTokenStore } from '../index.js';
import type { SqliteDb } from './db.js';
import type { AgentTokensTable } from './tables.js';

function toAgentToken(row: Selectable<AgentTokensTable>): AgentToken {
  return { id: row.id, name: row.name, hash: row.hash, createdAt: row.created_at, lastUsedAt: row.last_used_at };
}

export class SqliteAgentTokenStore implements AgentTokenStore {
  constructor(private readonly db: SqliteDb) {}

  create(input: { name: string; hash: string }): Promise<AgentToken> {
    return this.db.call('agentTokens.create', async () => {
      try {
        const row = await this.db.kysely.insertInto('agent_tokens')
          .values({ name: input.name, hash: input.hash, created_at: this.db.clock.now(), last_used_at: null })
          .returningAll().executeTakeFirstOrThrow();
        return toAgentToken(row);
      } catch (err) {
        // Never echo the hash: it identifies a credential.
        if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new GantryError('STORE_CONFLICT', `an agent token named "${input.name}" (or with the same hash) already exists`, { cause: err });
        }
        throw err;
      }
    });
  }

  findByHash(hash: string): Promise<AgentToken | undefined> {
    return this.db.call('agentTokens.findByHash', async () => {
      const row = await this.db.kysely.selectFrom('agent_tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
      return row && toAgentToken(row);
    });
  }

  list(): Promise<AgentToken[]> {
    return this.db.call('agentTokens.list', async () => (await this.db.kysely.selectFrom('agent_tokens').selectAll().orderBy('id').execute()).map(toAgentToken));
  }

  touch(id: number): Promise<void> {
    return this.db.call('agentTokens.touch', async () => {
      await this.db.kysely.updateTable('agent_tokens').set({ last_used_at: this.db.clock.now() }).where('id', '=', id).execute();
    });
  }

  delete(id: number): Promise<boolean> {
    return this.db.call('agentTokens.delete', async () => {
      const result = await this.db.kysely.deleteFrom('agent_tokens').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }
}
