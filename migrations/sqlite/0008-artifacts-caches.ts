import { sql, type Kysely } from 'kysely';

/**
 * Artifacts and caches (docs/artifacts.md). The archives live as files under the data directory
 * (`blob` is their path relative to it, chosen by the server, never from a name or key); a row is
 * written only once its file is complete, so a row always names a whole archive.
 * - artifacts: one per (run, plan job, name); a later attempt of the job replaces it. Deleted with
 *   their run or project (cascade); the sweep removes files no row names any more.
 * - caches: immutable entries per (project, scope, key); `last_used_at` orders eviction when a
 *   project's entries outgrow its quota. Restore looks up exact keys and key prefixes in one scope.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
CREATE TABLE artifacts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  job_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  name TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  blob TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  UNIQUE (run_id, job_id, name)
) STRICT`.execute(db);
  await sql`CREATE INDEX artifacts_expires ON artifacts (expires_at)`.execute(db);

  await sql`
CREATE TABLE caches (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  blob TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL,
  UNIQUE (project_id, scope, key)
) STRICT`.execute(db);
  await sql`CREATE INDEX caches_lru ON caches (project_id, last_used_at)`.execute(db);
}
