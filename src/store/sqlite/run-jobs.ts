import type { Selectable } from 'kysely';
import { GantryError } from '../../core/index.js';
import type { JobRecord, JobUpsert, StepRecord, StepUpsert } from '../index.js';
import { toJson, type SqliteDb } from './db.js';
import { toJob, toStep } from './rows.js';
import type { JobsTable, StepsTable } from './tables.js';

/**
 * Jobs and steps of a run: insert-or-patch inside the caller's synchronous transaction (read the row,
 * merge the given fields, write every column back) so concurrent upserts of one row cannot lose fields.
 */
const SQL = {
  getJob: `SELECT * FROM jobs WHERE run_id = ? AND job_id = ?`,
  insertJob: `INSERT INTO jobs (run_id, job_id, name, status, reason, attempt, queued_at, started_at, finished_at, outputs_json, updated_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  updateJob: `UPDATE jobs SET name = ?, status = ?, reason = ?, attempt = ?, queued_at = ?, started_at = ?, finished_at = ?,
                              outputs_json = ?, updated_at = ? WHERE run_id = ? AND job_id = ? RETURNING *`,
  listJobs: `SELECT * FROM jobs WHERE run_id = ? ORDER BY id`,
  getStep: `SELECT * FROM steps WHERE run_id = ? AND job_id = ? AND step = ?`,
  insertStep: `INSERT INTO steps (run_id, job_id, step, name, status, reason, exit_code, started_at, finished_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  updateStep: `UPDATE steps SET name = ?, status = ?, reason = ?, exit_code = ?, started_at = ?, finished_at = ?, updated_at = ?
               WHERE run_id = ? AND job_id = ? AND step = ? RETURNING *`,
  listSteps: `SELECT * FROM steps WHERE run_id = ? AND job_id = ? ORDER BY step`,
} as const;

/** `given ?? fallback` where only undefined means "not given" (null clears). */
function pick<T>(given: T | undefined, fallback: T): T {
  return given === undefined ? fallback : given;
}

function requireFirst(what: string, input: { name?: string | undefined; status?: string | undefined }, key: Record<string, unknown>): { name: string; status: string } {
  if (input.name === undefined || input.status === undefined) {
    throw new GantryError('STORE_INVALID', `${what} is not recorded yet: the first upsert needs name and status`, { details: key });
  }
  return { name: input.name, status: input.status };
}

export function upsertJob(db: SqliteDb, input: JobUpsert): JobRecord {
  const now = db.clock.now();
  const row = db.stmt(SQL.getJob).get(input.runId, input.jobId) as Selectable<JobsTable> | undefined;
  if (!row) {
    const first = requireFirst(`job ${input.jobId} of run ${input.runId}`, input, { runId: input.runId, jobId: input.jobId });
    const inserted = db.stmt(SQL.insertJob).get(
      input.runId, input.jobId, first.name, first.status, input.reason ?? null, input.attempt ?? 0, input.queuedAt ?? null,
      input.startedAt ?? null, input.finishedAt ?? null, toJson(input.outputs ?? {}), now,
    ) as Selectable<JobsTable>;
    return toJob(inserted);
  }
  const updated = db.stmt(SQL.updateJob).get(
    pick(input.name, row.name), pick(input.status, row.status), pick(input.reason, row.reason), pick(input.attempt, row.attempt),
    pick(input.queuedAt, row.queued_at), pick(input.startedAt, row.started_at), pick(input.finishedAt, row.finished_at),
    input.outputs === undefined ? row.outputs_json : toJson(input.outputs), now, input.runId, input.jobId,
  ) as Selectable<JobsTable>;
  return toJob(updated);
}

export function getJob(db: SqliteDb, runId: number, jobId: string): JobRecord | undefined {
  const row = db.stmt(SQL.getJob).get(runId, jobId) as Selectable<JobsTable> | undefined;
  return row && toJob(row);
}

export function listJobs(db: SqliteDb, runId: number): JobRecord[] {
  return (db.stmt(SQL.listJobs).all(runId) as Selectable<JobsTable>[]).map(toJob);
}

export function upsertStep(db: SqliteDb, input: StepUpsert): StepRecord {
  const now = db.clock.now();
  const row = db.stmt(SQL.getStep).get(input.runId, input.jobId, input.step) as Selectable<StepsTable> | undefined;
  if (!row) {
    const key = { runId: input.runId, jobId: input.jobId, step: input.step };
    const first = requireFirst(`step ${input.step} of job ${input.jobId} (run ${input.runId})`, input, key);
    const inserted = db.stmt(SQL.insertStep).get(
      input.runId, input.jobId, input.step, first.name, first.status, input.reason ?? null, input.exitCode ?? null,
      input.startedAt ?? null, input.finishedAt ?? null, now,
    ) as Selectable<StepsTable>;
    return toStep(inserted);
  }
  const updated = db.stmt(SQL.updateStep).get(
    pick(input.name, row.name), pick(input.status, row.status), pick(input.reason, row.reason), pick(input.exitCode, row.exit_code),
    pick(input.startedAt, row.started_at), pick(input.finishedAt, row.finished_at), now, input.runId, input.jobId, input.step,
  ) as Selectable<StepsTable>;
  return toStep(updated);
}

export function listSteps(db: SqliteDb, runId: number, jobId: string): StepRecord[] {
  return (db.stmt(SQL.listSteps).all(runId, jobId) as Selectable<StepsTable>[]).map(toStep);
}
