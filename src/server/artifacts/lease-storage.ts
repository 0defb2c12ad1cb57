import type { Readable } from 'node:stream';

/**
 * The server's cache and artifact storage as seen by one lease: the embedded agent calls it
 * directly, the gRPC agent service calls it for remote agents. It refuses (LEASE_STALE) a lease that
 * is not current, so an agent reaches only the project, run and job it holds.
 */
export type LeaseStorage = (lease: { leaseId: string; epoch: number }) => LeaseJobStorage;

/**
 * Structurally the runner's JobStorage (src/runner/storage/job-storage.ts, where the contract is
 * documented): the server may not import the runner, so the composition root (app.ts) hands this
 * to the embedded agent and the type checker compares the shapes there.
 */
export interface LeaseJobStorage {
  restoreCache(key: string, prefixes: readonly string[], signal: AbortSignal): Promise<{ key: string; archive: Readable } | undefined>;
  saveCache(key: string, archive: Readable, signal: AbortSignal): Promise<boolean>;
  uploadArtifact(name: string, archive: Readable, retentionMs: number | undefined, signal: AbortSignal): Promise<void>;
  artifactsOf(jobIds: readonly string[], signal: AbortSignal): Promise<LeaseArtifact[]>;
}

export interface LeaseArtifact {
  jobId: string;
  name: string;
  sizeBytes: number;
  open(signal: AbortSignal): Promise<Readable>;
}
