import type { Readable } from 'node:stream';

/**
 * Where one job attempt's caches and artifacts are kept. An instance is bound to one job attempt:
 * the server knows the project, run, job and cache scope from the lease, so nothing here names them
 * and an agent can reach only what its lease allows. Archives are gzipped tars made and unpacked by
 * the runner (src/runner/storage/archive.ts); storage treats them as opaque bytes.
 *
 * Cache scope: a run writes to its own scope (its branch, or for a pull request the pull request)
 * and reads its own scope first, then the default branch's, so a pull request's cache never
 * replaces the default branch's. Entries are immutable: saving an existing key is a no-op.
 *
 * Call order (src/runner/storage/job-files.ts): before the job's first step `restoreCache` once
 * per `cache:` entry, then `artifactsOf(needs)` and `open` on each; after its last step, only when
 * the job succeeded, `saveCache` for each key without an exact hit and `uploadArtifact` once.
 * Concurrency: calls of one attempt come one at a time, but other attempts (other jobs of the run,
 * other runs, other agents) use the same store at once, so a save must be atomic: a reader sees a
 * whole entry or none, and two saves of one key leave one whole entry.
 * Streams: a save or upload consumes `archive` to its end, or destroys it when it fails; a stored
 * entry is complete only once the call resolves (nothing half-written is ever listed or restored).
 * The caller consumes or destroys every stream it is given.
 * Cancellation: when `signal` aborts, a call stops reading and writing and rejects (AbortError);
 * nothing of an unfinished save stays. Any other rejection is a storage fault: restores degrade to
 * a warning, an artifact upload fails the job with failureKind 'infrastructure'.
 */
export interface JobStorage {
  /**
   * The entry whose key equals `key`, else the newest entry whose key starts with one of
   * `prefixes` (tried in order); undefined when none matches.
   */
  restoreCache(key: string, prefixes: readonly string[], signal: AbortSignal): Promise<{ key: string; archive: Readable } | undefined>;
  /** Stores `archive` under `key`; false when the key already had an entry (nothing written). */
  saveCache(key: string, archive: Readable, signal: AbortSignal): Promise<boolean>;
  /**
   * Keeps `archive` as this job's artifact `name`; undefined retention: the server's default. Only
   * called when the job succeeded; a later attempt's upload supersedes it for `artifactsOf`.
   */
  uploadArtifact(name: string, archive: Readable, retentionMs: number | undefined, signal: AbortSignal): Promise<void>;
  /** Artifacts this run's jobs `jobIds` uploaded (their latest attempt), for jobs that need them. */
  artifactsOf(jobIds: readonly string[], signal: AbortSignal): Promise<StoredArtifact[]>;
}

export interface StoredArtifact {
  jobId: string;
  name: string;
  sizeBytes: number;
  open(signal: AbortSignal): Promise<Readable>;
}
