import { sql, type Kysely } from 'kysely';

/**
 * Accounts: users, per-project memberships, refresh tokens; personal API tokens (owner, scope,
 * expiry) on the existing api_tokens table; the `public` flag of projects.
 *
 * api_tokens rows without a user_id are the bootstrap admin tokens (GANTRY_ADMIN_TOKEN or generated
 * at first start): they keep working as admin tokens. Deleting a user deletes their tokens,
 * memberships and refresh tokens (ON DELETE CASCADE), so nothing they held keeps working.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT,
  password_hash TEXT NOT NULL,
  admin INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT`.execute(db);

  await sql`
CREATE TABLE project_members (
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('viewer','developer','maintainer')),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, user_id)
) STRICT, WITHOUT ROWID`.execute(db);
  await sql`CREATE INDEX project_members_by_user ON project_members (user_id)`.execute(db);

  await sql`
CREATE TABLE refresh_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  family TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  revoked_at INTEGER
) STRICT`.execute(db);
  await sql`CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family)`.execute(db);

  await sql`ALTER TABLE api_tokens ADD COLUMN user_id INTEGER REFERENCES users(id) ON DELETE CASCADE`.execute(db);
  await sql`ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'write' CHECK (scope IN ('read','write'))`.execute(db);
  await sql`ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER`.execute(db);
  await sql`CREATE INDEX api_tokens_by_user ON api_tokens (user_id)`.execute(db);

  await sql`ALTER TABLE projects ADD COLUMN public INTEGER NOT NULL DEFAULT 0`.execute(db);
}
