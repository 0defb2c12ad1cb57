import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GantryError, type Clock } from '../../core/index.js';
import type { Project } from '../../store/index.js';
import { redactCredentials, runGit, type GitObserver } from './git-command.js';
import { gitFailure } from './git-failure.js';
import { createSyncGate } from './sync-gate.js';

export interface MirrorSyncOptions {
  /** `<dataDir>/repos`: mirrors and their temporary clones live here. */
  root: string;
  mirrorPath(project: Pick<Project, 'id'>): string;
  clock: Clock;
  fetchTimeoutMs: number;
  commandTimeoutMs: number;
  maintenanceIntervalMs: number;
  onGit?: GitObserver | undefined;
  /** After background maintenance ran (it may have repacked: readers must start again). */
  onMaintained(project: Pick<Project, 'id'>): void;
}

/**
 * Keeping mirrors up to date: `git clone --mirror` on first use, else `git fetch --prune` of the
 * configured URL; one fetch at a time per project with callers coalesced (sync-gate.ts); and
 * `git maintenance run --auto` in the background, rarely, never overlapping a fetch.
 * Errors: GIT_FETCH_FAILED (retryable), GIT_BAD_REF (a URL git would take for an option).
 */
export interface MirrorSync {
  sync(project: Pick<Project, 'id' | 'repoUrl'>): Promise<void>;
  lastSyncedAt(project: Pick<Project, 'id'>): number | undefined;
  /** Waits for the project's maintenance in flight, then forgets it (its mirror is being removed). */
  forget(project: Pick<Project, 'id'>): Promise<void>;
  /** Waits for every maintenance in flight. */
  close(): Promise<void>;
}

export function createMirrorSync(options: MirrorSyncOptions): MirrorSync {
  const { root, mirrorPath, clock, fetchTimeoutMs, commandTimeoutMs, onGit } = options;
  const gate = createSyncGate();
  const synced = new Map<number, number>();
  const maintainedAt = new Map<number, number>();
  const maintaining = new Map<number, Promise<void>>();
  const fetching = new Set<number>();

  /**
   * Off the hot path: after a fetch, at most once per interval per mirror, in the background. It
   * starts when no fetch runs; a fetch that starts meanwhile waits for it (see sync), so the two
   * never overlap. Best effort: a failure is retried at the next interval.
   */
  function maybeMaintain(project: Pick<Project, 'id'>): void {
    const last = maintainedAt.get(project.id);
    const now = clock.now();
    if (maintaining.has(project.id) || (last !== undefined && now - last < options.maintenanceIntervalMs)) return;
    maintainedAt.set(project.id, now);
    const done = (async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (fetching.has(project.id)) await new Promise<void>((resolve) => setTimeout(resolve, 50));
      if (!existsSync(join(mirrorPath(project), 'HEAD'))) return;
      await runGit(['maintenance', 'run', '--auto', '--quiet'], { cwd: mirrorPath(project), timeoutMs: fetchTimeoutMs }, onGit);
      options.onMaintained(project);
    })()
      .catch(() => undefined)
      .finally(() => maintaining.delete(project.id));
    maintaining.set(project.id, done);
  }

  async function clone(project: Pick<Project, 'id' | 'repoUrl'>): Promise<void> {
    await mkdir(root, { recursive: true });
    // Clone next to the final place, then rename: a crash mid-clone never leaves a half mirror.
    const tmp = join(root, `.${project.id}.git.tmp-${randomBytes(6).toString('hex')}`);
    try {
      await runGit(['clone', '--mirror', '--quiet', '--', project.repoUrl, tmp], { timeoutMs: fetchTimeoutMs }, onGit);
      // The mirror keeps no credential on disk: fetches name the configured URL explicitly.
      await runGit(['config', 'remote.origin.url', redactCredentials(project.repoUrl)], { cwd: tmp, timeoutMs: commandTimeoutMs }, onGit);
      await rename(tmp, mirrorPath(project));
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw gitFailure('GIT_FETCH_FAILED', `git clone --mirror ${redactCredentials(project.repoUrl)}`, err, { project: project.id });
    }
  }

  async function fetch(project: Pick<Project, 'id' | 'repoUrl'>): Promise<void> {
    try {
      // --no-auto-maintenance: `maintenance run --auto` per fetch is a process (and sometimes a
      // repack) on every trigger; maybeMaintain runs it in the background, rarely.
      await runGit(
        ['fetch', '--prune', '--quiet', '--no-write-fetch-head', '--no-auto-maintenance', '--', project.repoUrl, '+refs/*:refs/*'],
        { cwd: mirrorPath(project), timeoutMs: fetchTimeoutMs },
        onGit,
      );
    } catch (err) {
      throw gitFailure('GIT_FETCH_FAILED', `git fetch ${redactCredentials(project.repoUrl)}`, err, { project: project.id });
    }
  }

  return {
    async sync(project) {
      checkUrl(project.repoUrl);
      await gate.run(project.id, async () => {
        await maintaining.get(project.id);
        fetching.add(project.id);
        try {
          if (existsSync(join(mirrorPath(project), 'HEAD'))) await fetch(project);
          else {
            await clone(project);
            maintainedAt.set(project.id, clock.now()); // a fresh clone needs none
          }
        } finally {
          fetching.delete(project.id);
        }
        synced.set(project.id, clock.now());
      });
      maybeMaintain(project);
    },

    lastSyncedAt: (project) => synced.get(project.id),

    async forget(project) {
      await maintaining.get(project.id);
      synced.delete(project.id);
      maintainedAt.delete(project.id);
    },

    async close() {
      await Promise.all([...maintaining.values()]);
    },
  };
}

function checkUrl(url: string): void {
  if (url === '' || url.startsWith('-') || /[\0\n\r]/.test(url)) {
    throw new GantryError('GIT_BAD_REF', `not a valid clone URL: ${JSON.stringify(redactCredentials(url))}`);
  }
}
