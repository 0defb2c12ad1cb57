import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { TestContext } from 'node:test';
import { ManualClock } from '../../../src/core/index.js';
import { createRunService, type Lease } from '../../../src/engine/index.js';
import { compilePipeline, loadPipeline, type GitEvent } from '../../../src/pipeline/index.js';
import type { Project, Run } from '../../../src/store/index.js';
import { openTempSqliteStore } from '../../../src/store/sqlite/index.js';
import { BlobFiles } from '../../../src/server/artifacts/blob-files.js';
import { createLeaseStorage, type StorageLimits } from '../../../src/server/artifacts/server-lease-storage.js';

/*
 * Tests only: a real SQLite store and run service, a data directory, and the server's LeaseStorage
 * on them. `leaseRun(event)` stores a run of a one-job pipeline and leases its job by hand, the way
 * an agent would; `done(lease)` ends the attempt.
 */

const PIPELINE = `version: 1
on: { push: {}, tag: {}, pull_request: {} }
jobs:
  build:
    checkout: false
    steps: [{ run: "true" }]
`;

export const MIB = 1024 * 1024;

export async function leaseFixture(t: TestContext, limits: Partial<StorageLimits> = {}) {
  // The store's clock too: last-used times and eviction order follow it, not the wall clock.
  const clock = new ManualClock(Date.now());
  const temp = await openTempSqliteStore({ clock });
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-artifacts-'));
  const service = createRunService({ store: temp.store, leaseTtlMs: 10_000, pollIntervalMs: 20, retention: null });
  t.after(async () => {
    service.stopTakingWork();
    await service.close();
    await temp.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });
  await service.start();
  const files = new BlobFiles(dataDir);
  const storage = createLeaseStorage({
    store: temp.store,
    files,
    clock,
    limits: { artifactMaxBytes: 64 * MIB, cacheMaxEntryBytes: 64 * MIB, cacheQuotaBytesPerProject: 256 * MIB, artifactRetentionMs: 30 * 86_400_000, ...limits },
  });
  const project: Project = await temp.store.projects.create({ name: 'demo', repoUrl: '/x', forge: 'generic', defaultBranch: 'main' });

  /** Stores a run for `event` and leases its job (the only ready one). */
  async function leaseRun(event: GitEvent): Promise<{ run: Run; lease: Lease }> {
    const loaded = loadPipeline(PIPELINE, '.gantry.yml');
    assert.ok(loaded.loaded);
    const { plan } = compilePipeline(loaded.loaded, event);
    assert.ok(plan);
    const run = await temp.store.runs.create({ projectId: project.id, event, trigger: { kind: event.name }, plan });
    service.kick();
    const lease = await service.agentPort.lease({ agentId: 'hand', labels: [], capacity: 1 }, AbortSignal.timeout(5000));
    assert.ok(lease, 'a lease');
    assert.equal(lease.runId, run.id);
    return { run, lease };
  }

  const done = (lease: Lease) => service.agentPort.done(lease.leaseId, lease.epoch, { status: 'success', outputs: {} });

  /** Every file under the data directory's archive folders (temp files too). */
  const filesOnDisk = (): string[] =>
    ['artifacts', 'caches'].flatMap((kind) => {
      try {
        return readdirSync(join(dataDir, kind)).map((name) => `${kind}/${name}`);
      } catch {
        return [];
      }
    });

  return { store: temp.store, service, storage, files, clock, dataDir, project, leaseRun, done, filesOnDisk };
}

export const bytes = (text: string, size = text.length): Buffer => Buffer.alloc(size, text);
export const streamOf = (data: Buffer): Readable => Readable.from([data]);
export const readAll = async (stream: Readable): Promise<Buffer> => Buffer.concat((await stream.toArray()) as Buffer[]);
export const push = (branch: string, sha = 'a'.repeat(40)): GitEvent => ({ name: 'push', branch, sha });
export const pullRequest = (number: number, head: string, sha = 'b'.repeat(40)): GitEvent =>
  ({ name: 'pull_request', branch: head, baseBranch: 'main', sha, pullRequest: number }) as GitEvent;
