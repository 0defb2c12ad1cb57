import type { Selectable } from 'kysely';
import { GantryError, isFinal, type Status } from '../../core/index.js';
import type { Run, RunPatch, RunWrite } from '../index.js';
import { mapSqliteError, toJson, type SqliteDb } from './db.js';
import { upsertJob, upsertStep } from './run-jobs.js';
import { toRun } from './rows.js';
import type { RunsTable } from './tables.js';

const SQL = {
  getRun: `SELECT * FROM runs WHERE id = ?`,
  updateRun: `UPDATE runs SET status = ?, reason = ?, plan_json = ?, started_at = ?, finished_at = ?, updated_at = ?
              WHERE id = ? RETURNING *`,
} as const;

type Row = Selectable<RunsTable>;

/** startedAt the first time a run runs; finishedAt when it becomes final, cleared when it leaves final. */
export function stampTimes(before: { status: Status | null; startedAt: number | null; finishedAt: number | null }, status: Status, now: number) {
  const startedAt = before.startedAt ?? (status === 'running' ? now : null);
  let finishedAt: number | null = null;
  if (isFinal(status)) finishedAt = before.status !== null && isFinal(before.status) && before.finishedAt !== null ? before.finishedAt : now;
  return { startedAt, finishedAt };
}

/** RunStore.update inside the caller's synchronous transaction; undefined when `ifStatus` did not match. */
export function updateRun(db: SqliteDb, id: number, patch: RunPatch, ifStatus: readonly Status[] | undefined): Run | undefined {
  const row = db.stmt(SQL.getRun).get(id) as Row | undefined;
  if (!row) throw new GantryError('STORE_NOT_FOUND', `no run with id ${id}`, { details: { id } });
  const current = row.status as Status;
  if (ifStatus && !ifStatus.includes(current)) return undefined;
  const status = patch.status ?? current;
  const now = db.clock.now();
  const times = stampTimes({ status: current, startedAt: row.started_at, finishedAt: row.finished_at }, status, now);
  const reason = patch.reason !== undefined ? patch.reason : row.reason;
  const plan = patch.plan !== undefined ? (patch.plan === null ? null : toJson(patch.plan)) : row.plan_json;
  const updated = db.stmt(SQL.updateRun).get(status, reason, plan, times.startedAt, times.finishedAt, now, id) as Row;
  return toRun(updated);
}

/**
 * RunStore.applyWrites: one IMMEDIATE transaction (one commit, so one WAL fsync under synchronous
 * FULL) around all the writes; each write runs in its own savepoint (better-sqlite3 nests a
 * transaction as a savepoint), so a failing one is undone alone and the rest still commit.
 */
export function applyRunWrites(db: SqliteDb, writes: readonly RunWrite[]): (Error | undefined)[] {
  if (writes.length === 0) return [];
  const one = db.raw.transaction((write: RunWrite) => {
    if (write.kind === 'run') updateRun(db, write.runId, write.patch, write.ifStatus);
    else if (write.kind === 'job') upsertJob(db, write.upsert);
    else upsertStep(db, write.upsert);
  });
  return db.tx(() =>
    writes.map((write) => {
      try {
        one(write);
        return undefined;
      } catch (err) {
        const mapped = mapSqliteError(err, `runs.applyWrites (${write.kind})`);
        return mapped instanceof Error ? mapped : new Error(String(mapped));
      }
    }),
  );
}
