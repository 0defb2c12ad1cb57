import { sql, type Kysely } from 'kysely';

/**
 * Approvals of jobs that deploy to a protected environment.
 * - projects.protected_environments: JSON array of environment names whose jobs wait for a
 *   maintainer's approval (a project setting, kept on the server — never in the repository, where a
 *   pull request could remove it).
 * - job_approvals: the one decision per (run, job); the primary key makes a second decision a conflict.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE projects ADD COLUMN protected_environments TEXT NOT NULL DEFAULT '[]'`.execute(db);
  await sql`
CREATE TABLE job_approvals (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  job_id TEXT NOT NULL,
  environment TEXT NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('approved','rejected')),
  actor TEXT NOT NULL,
  comment TEXT,
  decided_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, job_id)
) STRICT, WITHOUT ROWID`.execute(db);
}
