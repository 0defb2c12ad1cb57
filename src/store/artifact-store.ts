/**
 * A job's artifact: an archive (gzipped tar, opaque here) kept for a while after the run, which
 * later jobs of the run unpack and people download. Its bytes are a file under the server's data
 * directory (`blob`); the row is written only once the file is complete.
 */
export interface Artifact {
  /** Assigned by the store (integer). */
  id: number;
  projectId: number;
  runId: number;
  /** The plan job that uploaded it. */
  jobId: string;
  /** The attempt of the job that uploaded it. */
  attempt: number;
  name: string;
  sizeBytes: number;
  /** Hex sha256 of the archive's bytes. */
  sha256: string;
  /** Path of the file relative to the data directory, chosen by the server (never from a name). */
  blob: string;
  createdAt: number;
  /** Epoch ms after which the sweep deletes it. */
  expiresAt: number;
}

export type NewArtifact = Omit<Artifact, 'id' | 'createdAt'>;

/**
 * Artifacts, one per (run, job, name). `add` replaces the artifact an earlier attempt of the same
 * job stored under the name and answers it, so the caller deletes its file; an artifact of a LATER
 * attempt is never replaced by an earlier one (`STORE_CONFLICT`: that attempt's lease was lost).
 * A missing run → `STORE_NOT_FOUND`. Rows go with their run and project (deleting those deletes
 * them, leaving the files to the sweep: `blobs` names every file still in use).
 * Every method is one atomic statement or transaction; safe to call concurrently.
 */
export interface ArtifactStore {
  add(input: NewArtifact): Promise<{ artifact: Artifact; replaced: Artifact | undefined }>;
  get(id: number): Promise<Artifact | undefined>;
  /** A run's artifacts, ordered by job id, then name. `jobIds` narrows to those jobs. */
  listForRun(runId: number, jobIds?: readonly string[]): Promise<Artifact[]>;
  /** Artifacts with expiresAt ≤ `now`, soonest first, at most `limit`. */
  listExpired(now: number, limit: number): Promise<Artifact[]>;
  /** false when it was gone already. */
  delete(id: number): Promise<boolean>;
  /** The `blob` of every artifact row (the sweep keeps exactly these files). */
  blobs(): Promise<string[]>;
}

/** A cache entry: an archive under a key, in one scope of one project; immutable once stored. */
export interface CacheEntry {
  id: number;
  projectId: number;
  /** `branch:<name>`, `tag:<name>` or `pr:<number>`: who may write it (docs/artifacts.md). */
  scope: string;
  key: string;
  sizeBytes: number;
  sha256: string;
  blob: string;
  createdAt: number;
  /** Set at creation and on every restore; eviction removes the least recently used first. */
  lastUsedAt: number;
}

export type NewCacheEntry = Omit<CacheEntry, 'id' | 'createdAt' | 'lastUsedAt'>;

/**
 * Cache entries. `add` stores an entry unless (project, scope, key) has one already — then it
 * answers undefined and stores nothing (entries are immutable; the caller deletes its file).
 * `find` looks in ONE scope: the exact key, else the newest entry (by creation) whose key starts
 * with the first prefix that matches anything, trying `prefixes` in order. `touch` marks an entry
 * used now. Atomic single statements; safe to call concurrently.
 */
export interface CacheStore {
  add(input: NewCacheEntry): Promise<CacheEntry | undefined>;
  has(projectId: number, scope: string, key: string): Promise<boolean>;
  find(projectId: number, scope: string, key: string, prefixes: readonly string[]): Promise<CacheEntry | undefined>;
  touch(id: number): Promise<void>;
  /** Bytes of all the project's entries. */
  usage(projectId: number): Promise<number>;
  /** The project's entries, least recently used first, at most `limit`. */
  leastRecentlyUsed(projectId: number, limit: number): Promise<CacheEntry[]>;
  delete(id: number): Promise<boolean>;
  /** The `blob` of every cache row. */
  blobs(): Promise<string[]>;
}
