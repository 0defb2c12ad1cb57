import type { Clock } from '../../core/index.js';
import type { Store } from '../../store/index.js';
import type { BlobFiles, BlobKind } from './blob-files.js';

/** Files no row names are deleted only when untouched this long: an upload renames its file before its row exists. */
const ORPHAN_GRACE_MS = 60 * 60 * 1000;
const BATCH = 500;

export interface SweepResult {
  /** Artifacts deleted because they expired. */
  expired: number;
  /** Files no row names (runs or projects deleted, evicted entries, crashed uploads) deleted. */
  orphans: number;
}

interface SweepDeps {
  store: Pick<Store, 'artifacts' | 'caches'>;
  files: BlobFiles;
  clock: Clock;
}

/**
 * One sweep: deletes expired artifacts (row, then file) and files that no row names any more and
 * that nobody wrote to for an hour — what deleting runs and projects, eviction or a crash in the
 * middle of an upload left behind. Safe to run while uploads and downloads go on.
 */
export async function sweepArtifacts(deps: SweepDeps): Promise<SweepResult> {
  let expired = 0;
  for (;;) {
    const batch = await deps.store.artifacts.listExpired(deps.clock.now(), BATCH);
    for (const artifact of batch) {
      if (await deps.store.artifacts.delete(artifact.id)) expired++;
      await deps.files.remove(artifact.blob);
    }
    if (batch.length < BATCH) break;
  }
  let orphans = 0;
  for (const kind of ['artifacts', 'caches'] as const satisfies readonly BlobKind[]) {
    // Files first, rows second: a file renamed in after the listing is not looked at.
    const listed = await deps.files.list(kind);
    const named = new Set(await (kind === 'artifacts' ? deps.store.artifacts.blobs() : deps.store.caches.blobs()));
    const before = deps.clock.now() - ORPHAN_GRACE_MS;
    for (const file of listed) {
      if (named.has(file.blob) || file.mtimeMs > before) continue;
      await deps.files.remove(file.blob);
      orphans++;
    }
  }
  return { expired, orphans };
}

/**
 * Sweeps at once and then every `intervalMs` (default 1 hour) until `stop()`. The timer does not
 * keep the process alive; a tick is skipped while a sweep runs; a failed sweep is logged and the
 * next one comes at the next interval.
 */
export function startArtifactSweep(
  deps: SweepDeps & { logger: { info(obj: object, msg: string): void; error(obj: object, msg: string): void }; intervalMs?: number },
): { stop(): void } {
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const result = await sweepArtifacts(deps);
      if (result.expired + result.orphans > 0) deps.logger.info(result, 'artifacts: deleted expired artifacts and unused files');
    } catch (err) {
      deps.logger.error({ err }, 'artifacts: sweep failed');
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), deps.intervalMs ?? 60 * 60 * 1000);
  timer.unref?.();
  void tick();
  return { stop: () => clearInterval(timer) };
}
