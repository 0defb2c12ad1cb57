import { sql, type Kysely } from 'kysely';

/**
 * Instance and project secrets, sealed by the server (AES-256-GCM; the key id is inside `sealed`).
 * scope_key is `instance` or `project:<id>` (an environment scope will add `project:<id>:env:<name>`),
 * so one UNIQUE (scope_key, name) covers every scope without NULLs in the key. project_id is there
 * for the cascade: a deleted project takes its secrets with it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
CREATE TABLE secrets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  scope_key TEXT NOT NULL,
  project_id INTEGER REFERENCES projects(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  sealed TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (scope_key, name)
) STRICT`.execute(db);
}
