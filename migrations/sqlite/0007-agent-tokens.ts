import { sql, type Kysely } from 'kysely';

/**
 * Tokens of remote agents (docs/agents.md): a table of their own, so an agent token never opens the
 * HTTP API and an API token never opens the agent port. Only the sha256 of a token is stored.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
CREATE TABLE agent_tokens (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER
) STRICT`.execute(db);
}
