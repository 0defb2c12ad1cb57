import { sql, type Kysely } from 'kysely';

/**
 * Log lines, API tokens and small server state.
 * log_lines is WITHOUT ROWID keyed by (run_id, job_id, seq): appends of one job land next to each
 * other, reads in seq order are a range scan, and INSERT OR IGNORE on the key makes retried batches
 * idempotent.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
CREATE TABLE log_lines (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  job_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  step INTEGER,
  stream TEXT NOT NULL CHECK (stream IN ('stdout','stderr','system')),
  line TEXT NOT NULL,
  ts INTEGER NOT NULL,
  PRIMARY KEY (run_id, job_id, seq)
) STRICT, WITHOUT ROWID`.execute(db);

  await sql`
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER
) STRICT`.execute(db);

  await sql`
CREATE TABLE server_state (
  key TEXT PRIMARY KEY,
  value_json TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID`.execute(db);
}
