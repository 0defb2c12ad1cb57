export type LogStream = 'stdout' | 'stderr' | 'system';

export interface LogLine {
  runId: number;
  jobId: string;
  /** Step index, or null for job-level system lines (checkout, lease lost, …). */
  step: number | null;
  /** Per (runId, jobId), assigned by the producer (agent), increasing; the idempotency key. */
  seq: number;
  stream: LogStream;
  /** Already MASKED: the store never sees secrets. */
  line: string;
  /** Epoch ms when the producer saw the line. */
  ts: number;
}

/**
 * Job log lines.
 *
 * `append` writes its whole batch in ONE transaction (durable when the promise resolves: acknowledge
 * to the agent only after that). Idempotent on (runId, jobId, seq): a retried batch, or a batch
 * overlapping an earlier one, adds only the lines not stored yet; returns how many were new.
 * Batches of ~1000 lines are the sweet spot; any size works. Lines of several jobs may be mixed.
 * The job row need not exist (lines may arrive before the engine records the job); the run must
 * (else `STORE_NOT_FOUND`).
 * `read` returns lines in seq order with seq > afterSeq (default: from the start), at most `limit`
 * (default 1000, max 10 000). Reads never block appends for long (WAL).
 */
export interface LogStore {
  append(lines: readonly LogLine[]): Promise<number>;
  read(runId: number, jobId: string, options?: { afterSeq?: number; limit?: number }): Promise<LogLine[]>;
  /** Highest stored seq, or 0 when the job has no lines (so producers can start at 1). */
  lastSeq(runId: number, jobId: string): Promise<number>;
}
