import type { Readable } from 'node:stream';
import { GantryError, isFinal, systemClock, type Clock } from '../../core/index.js';
import type { Project, Run, Store } from '../../store/index.js';
import type { BlobFiles, WrittenBlob } from './blob-files.js';
import { cacheScopes } from './cache-scope.js';
import type { LeaseArtifact, LeaseJobStorage, LeaseStorage } from './lease-storage.js';
import { checkArtifactName, checkCacheKey } from './names.js';

const MIB = 1024 * 1024;

/** Server settings for caches and artifacts, in bytes and ms. */
export interface StorageLimits {
  artifactMaxBytes: number;
  cacheMaxEntryBytes: number;
  cacheQuotaBytesPerProject: number;
  artifactRetentionMs: number;
}

export function storageLimits(config: { artifactMaxSizeMb: number; cacheMaxEntrySizeMb: number; cacheQuotaMbPerProject: number; artifactRetention: number }): StorageLimits {
  return {
    artifactMaxBytes: config.artifactMaxSizeMb * MIB,
    cacheMaxEntryBytes: config.cacheMaxEntrySizeMb * MIB,
    cacheQuotaBytesPerProject: config.cacheQuotaMbPerProject * MIB,
    artifactRetentionMs: config.artifactRetention,
  };
}

export interface LeaseStorageOptions {
  store: Pick<Store, 'runs' | 'projects' | 'artifacts' | 'caches'>;
  files: BlobFiles;
  limits: StorageLimits;
  clock?: Clock;
}

interface LeaseContext {
  run: Run;
  project: Project;
  jobId: string;
  attempt: number;
  scopes: { own: string; reads: string[] };
}

const notFound = (what: string) => () => new GantryError('ARTIFACT_NOT_FOUND', `${what} is gone (deleted by retention or eviction)`);

/**
 * The server's LeaseStorage: caches and artifacts of the job attempt a lease names, archives as
 * files (BlobFiles), rows in the store once a file is whole.
 *
 * A lease is current while the store records its job at that attempt and not ended: every call
 * checks that, and uploads check it again before their row is written, so an agent that lost its
 * lease mid-upload leaves nothing. Lease ids are the job queue's `<runId>/<jobId>`.
 * Concurrency: calls may run in parallel; two saves of one cache key store one entry (the other
 * answers false and deletes its file). Cancellation: `signal` aborts a transfer and removes its file.
 */
export function createLeaseStorage(options: LeaseStorageOptions): LeaseStorage {
  const { store, files, limits } = options;
  const clock = options.clock ?? systemClock;

  /** The lease's run and job while it is current; LEASE_STALE otherwise. */
  async function current(leaseId: string, epoch: number): Promise<{ run: Run; jobId: string }> {
    const stale = (why: string) => new GantryError('LEASE_STALE', `lease ${leaseId} epoch ${epoch} is not current (${why}): no cache or artifact access`, { details: { leaseId, epoch } });
    const match = /^(\d+)\/(.+)$/s.exec(leaseId);
    if (!match) throw stale('not a lease id');
    const jobId = match[2]!;
    const run = await store.runs.get(Number(match[1]));
    if (!run || isFinal(run.status)) throw stale(run ? `its run ended ${run.status}` : 'no such run');
    if (!run.plan?.jobs.some((job) => job.id === jobId)) throw stale('no such job in the run');
    // The job's row may lag its lease by a group commit: missing for a first attempt, or showing
    // the attempt before, ended. Anything else but this attempt, not ended, is not this lease.
    const job = await store.runs.getJob(run.id, jobId);
    const lagging = job ? job.attempt === epoch - 1 && isFinal(job.status) : epoch === 1;
    if (!lagging && (job?.attempt !== epoch || isFinal(job.status))) {
      throw stale(job ? `the job is at attempt ${job.attempt}, ${job.status}` : 'the job has not started');
    }
    return { run, jobId };
  }

  async function context(leaseId: string, epoch: number): Promise<LeaseContext> {
    const { run, jobId } = await current(leaseId, epoch);
    const project = await store.projects.getById(run.projectId);
    if (!project) throw new GantryError('LEASE_STALE', `lease ${leaseId}: its project is gone`);
    return { run, project, jobId, attempt: epoch, scopes: cacheScopes(run.event, project.defaultBranch) };
  }

  /** Writes the archive, then runs `commit` if the lease is still current; the file goes on any failure. */
  async function keep<T>(lease: { leaseId: string; epoch: number }, write: () => Promise<WrittenBlob>, commit: (blob: WrittenBlob) => Promise<T>): Promise<T> {
    const blob = await write();
    try {
      await current(lease.leaseId, lease.epoch);
      return await commit(blob);
    } catch (err) {
      await files.remove(blob.blob);
      throw err;
    }
  }

  async function evictOverQuota(projectId: number): Promise<void> {
    let usage = await store.caches.usage(projectId);
    while (usage > limits.cacheQuotaBytesPerProject) {
      const victims = await store.caches.leastRecentlyUsed(projectId, 20);
      if (victims.length === 0) return;
      for (const entry of victims) {
        if (usage <= limits.cacheQuotaBytesPerProject) return;
        // Row first: a file no row names is at worst left to the sweep, never named but missing.
        if (await store.caches.delete(entry.id)) usage -= entry.sizeBytes;
        await files.remove(entry.blob);
      }
    }
  }

  return (lease) => {
    let ctx: Promise<LeaseContext> | undefined;
    // Run and project do not change during a lease; currency is checked on every call.
    const leaseContext = async (): Promise<LeaseContext> => {
      if (!ctx) {
        ctx = context(lease.leaseId, lease.epoch);
        ctx.catch(() => (ctx = undefined));
        return ctx;
      }
      const known = await ctx;
      await current(lease.leaseId, lease.epoch);
      return known;
    };

    const storage: LeaseJobStorage = {
      async restoreCache(key, prefixes, signal) {
        checkCacheKey(key);
        for (const prefix of prefixes) checkCacheKey(prefix, 'restore prefix');
        const { project, scopes } = await leaseContext();
        for (const scope of scopes.reads) {
          signal.throwIfAborted();
          const entry = await store.caches.find(project.id, scope, key, prefixes);
          if (!entry) continue;
          let archive: Readable;
          try {
            archive = await files.open(entry.blob, notFound(`cache entry "${entry.key}"`));
          } catch (err) {
            // Evicted between the lookup and the open: as if it had not matched.
            if (err instanceof GantryError && err.code === 'ARTIFACT_NOT_FOUND') continue;
            throw err;
          }
          await store.caches.touch(entry.id);
          return { key: entry.key, archive: abortable(archive, signal) };
        }
        return undefined;
      },

      async saveCache(key, archive, signal) {
        try {
          checkCacheKey(key);
          const { project, scopes } = await leaseContext();
          // Immutable: the archive is not even read (the finally below closes it).
          if (await store.caches.has(project.id, scopes.own, key)) return false;
          const maxBytes = Math.min(limits.cacheMaxEntryBytes, limits.cacheQuotaBytesPerProject);
          const tooLarge = () => new GantryError('ARTIFACT_TOO_LARGE', `cache entry "${key}" is larger than ${mib(maxBytes)} MiB (cacheMaxEntrySizeMb, cacheQuotaMbPerProject): not stored`);
          const entry = await keep(lease, () => files.write('caches', archive, { maxBytes, signal, tooLarge }), async (blob) => {
            const added = await store.caches.add({ projectId: project.id, scope: scopes.own, key, ...blob });
            // Another attempt stored the key meanwhile: its entry stays, this file goes.
            if (!added) await files.remove(blob.blob);
            return added;
          });
          if (!entry) return false;
          await evictOverQuota(project.id);
          return true;
        } finally {
          archive.destroy();
        }
      },

      async uploadArtifact(name, archive, retentionMs, signal) {
        try {
          checkArtifactName(name);
          if (retentionMs !== undefined && !(Number.isSafeInteger(retentionMs) && retentionMs > 0)) {
            throw new GantryError('ARTIFACT_INVALID', `artifact "${name}": retention must be a positive number of milliseconds, not ${retentionMs}`);
          }
          const { run, project, jobId, attempt } = await leaseContext();
          const tooLarge = () => new GantryError('ARTIFACT_TOO_LARGE', `artifact "${name}" is larger than ${mib(limits.artifactMaxBytes)} MiB (artifactMaxSizeMb): not stored`);
          const { replaced } = await keep(lease, () => files.write('artifacts', archive, { maxBytes: limits.artifactMaxBytes, signal, tooLarge }), (blob) =>
            store.artifacts.add({ projectId: project.id, runId: run.id, jobId, attempt, name, ...blob, expiresAt: clock.now() + (retentionMs ?? limits.artifactRetentionMs) }),
          );
          if (replaced) await files.remove(replaced.blob);
        } finally {
          archive.destroy();
        }
      },

      async artifactsOf(jobIds, signal) {
        const { run } = await leaseContext();
        signal.throwIfAborted();
        return (await store.artifacts.listForRun(run.id, jobIds)).map(
          (artifact): LeaseArtifact => ({
            jobId: artifact.jobId,
            name: artifact.name,
            sizeBytes: artifact.sizeBytes,
            open: async (openSignal) => abortable(await files.open(artifact.blob, notFound(`artifact "${artifact.name}" of job "${artifact.jobId}"`)), openSignal),
          }),
        );
      },
    };
    return storage;
  };
}

const mib = (bytes: number) => Math.round((bytes / MIB) * 100) / 100;

/** Destroys `stream` when `signal` aborts (the reader stops getting bytes, the file is closed). */
function abortable(stream: Readable, signal: AbortSignal): Readable {
  const onAbort = () => stream.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  if (signal.aborted) onAbort();
  else {
    signal.addEventListener('abort', onAbort, { once: true });
    stream.once('close', () => signal.removeEventListener('abort', onAbort));
  }
  return stream;
}
