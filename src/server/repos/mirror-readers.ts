import { existsSync } from 'node:fs';
import type { Project } from '../../store/index.js';
import { GitProcessError, runGit, type GitObserver } from './git-command.js';
import { createCatFileBatch, type CatFileBatch } from './cat-file-batch.js';
import { gitFailure } from './git-failure.js';

export interface MirrorReadersOptions {
  mirrorPath(project: Pick<Project, 'id'>): string;
  commandTimeoutMs: number;
  onGit?: GitObserver | undefined;
  /** A reader ends after this long unused (default: cat-file-batch's). */
  readerIdleMs?: number | undefined;
}

/**
 * Object reads from the mirrors through one long-lived `git cat-file --batch-command` per mirror,
 * started on first use and again when it ended (idle, error, `drop`). A reader outlives fetches: git
 * reads refs from disk on every lookup and rescans the packs when an object is missing, and a fetch
 * (auto maintenance off) only adds objects — only a repack removes pack files, so maintenance drops
 * the reader. Names given here were validated by the caller (git-names.ts).
 * Errors: GIT_FAILED; a mirror that does not exist yet reads as "no such object" (undefined).
 */
export interface MirrorReaders {
  /** Id of the commit a name peels to; undefined when none. */
  peelCommit(project: Pick<Project, 'id'>, name: string): Promise<string | undefined>;
  /** The blob's text at `sha:path`; undefined when there is no such file (or it is a tree). */
  readBlob(project: Pick<Project, 'id'>, sha: string, path: string): Promise<string | undefined>;
  /** The raw commit object `sha` peels to; undefined when none. */
  readCommit(project: Pick<Project, 'id'>, sha: string): Promise<{ oid: string; body: Buffer } | undefined>;
  /** The next read starts a fresh reader; answers in flight still arrive. */
  drop(project: Pick<Project, 'id'>): void;
  /** Ends every reader. */
  close(): void;
}

export function createMirrorReaders(options: MirrorReadersOptions): MirrorReaders {
  const readers = new Map<number, CatFileBatch>();
  const { mirrorPath, commandTimeoutMs, onGit } = options;

  const reader = (project: Pick<Project, 'id'>): CatFileBatch => {
    let r = readers.get(project.id);
    if (!r || r.closed) {
      r = createCatFileBatch({ cwd: mirrorPath(project), timeoutMs: commandTimeoutMs, onGit, ...(options.readerIdleMs ? { idleMs: options.readerIdleMs } : {}) });
      readers.set(project.id, r);
    }
    return r;
  };
  const drop = (project: Pick<Project, 'id'>): void => {
    readers.get(project.id)?.close();
    readers.delete(project.id);
  };
  /** No mirror yet: git could not even start there. */
  const noMirror = (project: Pick<Project, 'id'>, err: unknown): boolean =>
    err instanceof GitProcessError && !err.timedOut && !err.aborted && !existsSync(mirrorPath(project));

  return {
    async peelCommit(project, name) {
      try {
        return (await reader(project).info(`${name}^{commit}`))?.oid;
      } catch (err) {
        if (noMirror(project, err)) return undefined;
        throw gitFailure('GIT_FAILED', 'git cat-file', err);
      }
    },

    async readBlob(project, sha, path) {
      if (/[\n\r]/.test(path)) {
        // The reader is line-based: such a (legal, rare) path goes through its own process.
        try {
          return (await runGit(['cat-file', 'blob', `${sha}:${path}`], { cwd: mirrorPath(project), timeoutMs: commandTimeoutMs }, onGit)).stdout;
        } catch (err) {
          if (!(err instanceof GitProcessError) || err.timedOut || err.aborted) throw gitFailure('GIT_FAILED', `git cat-file ${path}`, err);
          return undefined;
        }
      }
      try {
        const obj = await reader(project).contents(`${sha}:${path}`);
        return obj?.type === 'blob' ? obj.body.toString('utf8') : undefined;
      } catch (err) {
        if (noMirror(project, err)) return undefined;
        throw gitFailure('GIT_FAILED', `git cat-file ${path}`, err);
      }
    },

    async readCommit(project, sha) {
      try {
        return await reader(project).contents(`${sha}^{commit}`);
      } catch (err) {
        if (noMirror(project, err)) return undefined;
        throw gitFailure('GIT_FAILED', `git cat-file ${sha}`, err);
      }
    },

    drop,

    close() {
      for (const id of [...readers.keys()]) drop({ id });
    },
  };
}
