/**
 * Caches and artifacts on the server (docs/artifacts.md): archive files under the data directory,
 * rows in the store, the per-lease storage agents use, and the sweep that applies retention.
 */
export type { LeaseArtifact, LeaseJobStorage, LeaseStorage } from './lease-storage.js';
export { BlobFiles, type BlobKind, type WrittenBlob } from './blob-files.js';
export { cacheScopes, type ScopedEvent } from './cache-scope.js';
export { createLeaseStorage, storageLimits, type LeaseStorageOptions, type StorageLimits } from './server-lease-storage.js';
export { startArtifactSweep, sweepArtifacts, type SweepResult } from './artifact-sweep.js';
