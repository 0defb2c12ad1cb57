import type { Selectable } from 'kysely';
import { FINAL_STATUSES, GantryError, type Status } from '../../core/index.js';
import type {
  JobRecord, JobUpsert, NewRun, PruneOptions, Run, RunFilter, RunPage, RunPatch, RunStore, RunWrite, StepRecord, StepUpsert,
} from '../index.js';
import { toJson, type SqliteDb } from './db.js';
import { clampLimit } from './delivery-store.js';
import { getJob, listJobs, listSteps, upsertJob, upsertStep } from './run-jobs.js';
import { applyRunWrites, stampTimes, updateRun } from './run-writes.js';
import { toRun } from './rows.js';
import type { RunsTable } from './tables.js';

const FINALS = [...FINAL_STATUSES];

const SQL = {
  // The counter lives on the project row so numbers are never reused, even after retention deletes runs.
  nextNumber: `UPDATE projects SET last_run_number = last_run_number + 1 WHERE id = ? RETURNING last_run_number`,
  insertRun: `INSERT INTO runs (project_id, number, event_name, branch, tag, sha, event_json, trigger_json, plan_json,
                                status, reason, created_at, started_at, finished_at, updated_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  pruneFinishedBefore: `DELETE FROM runs WHERE status IN (${FINALS.map(() => '?').join(',')}) AND finished_at < ?`,
  pruneKeepPerProject: `DELETE FROM runs WHERE id IN (
                          SELECT id FROM (SELECT id, status, row_number() OVER (PARTITION BY project_id ORDER BY number DESC) AS rn FROM runs)
                          WHERE rn > ? AND status IN (${FINALS.map(() => '?').join(',')}))`,
} as const;

type Row = Selectable<RunsTable>;

export class SqliteRunStore implements RunStore {
  constructor(private readonly db: SqliteDb) {}

  create(input: NewRun): Promise<Run> {
    return this.db.call('runs.create', () =>
      this.db.tx(() => {
        const counter = this.db.stmt(SQL.nextNumber).get(input.projectId) as { last_run_number: number } | undefined;
        if (!counter) throw new GantryError('STORE_NOT_FOUND', `no project with id ${input.projectId}`, { details: { projectId: input.projectId } });
        const now = this.db.clock.now();
        const status = input.status ?? 'queued';
        const times = stampTimes({ status: null, startedAt: null, finishedAt: null }, status, now);
        const e = input.event;
        const row = this.db.stmt(SQL.insertRun).get(
          input.projectId, counter.last_run_number, e.name, e.branch ?? null, e.tag ?? null, e.sha, toJson(e), toJson(input.trigger),
          input.plan === undefined || input.plan === null ? null : toJson(input.plan), status, input.reason ?? null, now, times.startedAt, times.finishedAt, now,
        ) as Row;
        return toRun(row);
      }),
    );
  }

  get(id: number): Promise<Run | undefined> {
    return this.db.call('runs.get', async () => {
      const row = this.db.first(this.db.kysely.selectFrom('runs').selectAll().where('id', '=', id));
      return row && toRun(row);
    });
  }

  getByNumber(projectId: number, number: number): Promise<Run | undefined> {
    return this.db.call('runs.getByNumber', async () => {
      const row = this.db.first(this.db.kysely.selectFrom('runs').selectAll().where('project_id', '=', projectId).where('number', '=', number));
      return row && toRun(row);
    });
  }

  list(projectId: number, filter: RunFilter = {}): Promise<RunPage> {
    return this.db.call('runs.list', async () => {
      const limit = clampLimit(filter.limit, 50, 500);
      let query = this.db.kysely.selectFrom('runs').selectAll().where('project_id', '=', projectId);
      if (filter.status !== undefined) {
        const statuses = typeof filter.status === 'string' ? [filter.status] : [...filter.status];
        if (statuses.length === 0) return { runs: [], nextCursor: null };
        query = query.where('status', 'in', statuses);
      }
      if (filter.branch !== undefined) query = query.where('branch', '=', filter.branch);
      if (filter.event !== undefined) query = query.where('event_name', '=', filter.event);
      if (filter.before !== undefined) query = query.where('number', '<', filter.before);
      // One row more than asked tells whether another page exists without a COUNT.
      const rows = this.db.all(query.orderBy('number', 'desc').limit(limit + 1));
      const page = rows.slice(0, limit).map(toRun);
      const last = page[page.length - 1];
      return { runs: page, nextCursor: rows.length > limit && last ? last.number : null };
    });
  }

  listByStatus(statuses: readonly Status[], options: { limit?: number } = {}): Promise<Run[]> {
    return this.db.call('runs.listByStatus', async () => {
      if (statuses.length === 0) return [];
      const rows = await this.db.kysely.selectFrom('runs').selectAll()
        .where('status', 'in', [...statuses]).orderBy('id').limit(clampLimit(options.limit, 1000, 10_000)).execute();
      return rows.map(toRun);
    });
  }

  countRunsByStatus(): Promise<Partial<Record<Status, number>>> {
    return this.db.call('runs.countRunsByStatus', async () => {
      // Reads only the runs_by_status index.
      const rows = await this.db.kysely.selectFrom('runs').select((eb) => ['status', eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])) as Partial<Record<Status, number>>;
    });
  }

  update(id: number, patch: RunPatch, options: { ifStatus?: readonly Status[] } = {}): Promise<Run | undefined> {
    return this.db.call('runs.update', () =>
      this.db.tx(() => updateRun(this.db, id, patch, options.ifStatus)),
    );
  }

  upsertJob(input: JobUpsert): Promise<JobRecord> {
    return this.db.call('runs.upsertJob', () => this.db.tx(() => upsertJob(this.db, input)));
  }

  applyWrites(writes: readonly RunWrite[]): Promise<(Error | undefined)[]> {
    return this.db.call('runs.applyWrites', () => applyRunWrites(this.db, writes));
  }

  getJob(runId: number, jobId: string): Promise<JobRecord | undefined> {
    return this.db.call('runs.getJob', () => getJob(this.db, runId, jobId));
  }

  listJobs(runId: number): Promise<JobRecord[]> {
    return this.db.call('runs.listJobs', () => listJobs(this.db, runId));
  }

  upsertStep(input: StepUpsert): Promise<StepRecord> {
    return this.db.call('runs.upsertStep', () => this.db.tx(() => upsertStep(this.db, input)));
  }

  listSteps(runId: number, jobId: string): Promise<StepRecord[]> {
    return this.db.call('runs.listSteps', () => listSteps(this.db, runId, jobId));
  }

  prune(options: PruneOptions): Promise<number> {
    return this.db.call('runs.prune', () =>
      this.db.tx(() => {
        let deleted = 0;
        if (options.finishedBefore !== undefined) {
          deleted += this.db.stmt(SQL.pruneFinishedBefore).run(...FINALS, options.finishedBefore).changes;
        }
        if (options.keepPerProject !== undefined) {
          deleted += this.db.stmt(SQL.pruneKeepPerProject).run(Math.max(0, Math.floor(options.keepPerProject)), ...FINALS).changes;
        }
        return deleted;
      }),
    );
  }
}
