export type ApprovalDecision = 'approved' | 'rejected';

/** A person's decision on a job that waits for approval (it deploys to a protected environment). */
export interface JobApproval {
  runId: number;
  /** Plan job id. */
  jobId: string;
  environment: string;
  decision: ApprovalDecision;
  /** Who decided (principal name). */
  actor: string;
  comment: string | null;
  /** Epoch ms from the store's Clock. */
  decidedAt: number;
}

/**
 * Approval decisions, one per (run, job), never changed once made: `decide` for a job already
 * decided → GantryError `STORE_CONFLICT`; for a missing run → `STORE_NOT_FOUND`. Deleting a run
 * deletes its decisions. Every method is one atomic statement.
 */
export interface ApprovalStore {
  decide(input: Omit<JobApproval, 'decidedAt'>): Promise<JobApproval>;
  get(runId: number, jobId: string): Promise<JobApproval | undefined>;
  /** Ordered by decision time. */
  listForRun(runId: number): Promise<JobApproval[]>;
}
