import type { ApprovalDecision, ApprovalStore, JobApproval } from '../index.js';
import type { SqliteDb } from './db.js';

const SQL = {
  insert: `INSERT INTO job_approvals (run_id, job_id, environment, decision, actor, comment, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  get: `SELECT * FROM job_approvals WHERE run_id = ? AND job_id = ?`,
  list: `SELECT * FROM job_approvals WHERE run_id = ? ORDER BY decided_at, job_id`,
} as const;

interface ApprovalRow {
  run_id: number;
  job_id: string;
  environment: string;
  decision: ApprovalDecision;
  actor: string;
  comment: string | null;
  decided_at: number;
}

function toApproval(row: ApprovalRow): JobApproval {
  return { runId: row.run_id, jobId: row.job_id, environment: row.environment, decision: row.decision, actor: row.actor, comment: row.comment, decidedAt: row.decided_at };
}

export class SqliteApprovalStore implements ApprovalStore {
  constructor(private readonly db: SqliteDb) {}

  decide(input: Omit<JobApproval, 'decidedAt'>): Promise<JobApproval> {
    return this.db.call('approvals.decide', () => {
      const decidedAt = this.db.clock.now();
      this.db.stmt(SQL.insert).run(input.runId, input.jobId, input.environment, input.decision, input.actor, input.comment, decidedAt);
      return { ...input, decidedAt };
    });
  }

  get(runId: number, jobId: string): Promise<JobApproval | undefined> {
    return this.db.call('approvals.get', () => {
      const row = this.db.stmt(SQL.get).get(runId, jobId) as ApprovalRow | undefined;
      return row && toApproval(row);
    });
  }

  listForRun(runId: number): Promise<JobApproval[]> {
    return this.db.call('approvals.listForRun', () => (this.db.stmt(SQL.list).all(runId) as ApprovalRow[]).map(toApproval));
  }
}
