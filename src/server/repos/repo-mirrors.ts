import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GantryError, type Clock } from '../../core/index.js';
import type { Project } from '../../store/index.js';
import { redactCredentials, runGit, type GitObserver, type GitResult } from './git-command.js';
import { parseCommit } from './commit-object.js';
import { gitFailure } from './git-failure.js';
import { assertRefName, assertSha, assertTreePath, isFullSha, isZeroSha } from './git-names.js';
import { createMirrorReaders } from './mirror-readers.js';
import { createMirrorSync } from './mirror-sync.js';
import { readLocalOriginHead } from './origin-head.js';

/** What the mirrors need of a project: its id (names the mirror) and its configured clone URL. */
export type MirrorProject = Pick<Project, 'id' | 'repoUrl'>;

export interface RepoMirrorsOptions {
  /** The server's data dir; mirrors live in `<dataDir>/repos/<project-id>.git`. */
  dataDir: string;
  clock: Clock;
  /** Kill a clone or fetch after this long (default 10 min). */
  fetchTimeoutMs?: number;
  /** Kill a local git command (read, diff, checkout) after this long (default 60 s). */
  commandTimeoutMs?: number;
  /** Called with the argv of every git process started (tests count fetches; logs). */
  onGit?: GitObserver;
  /**
   * `git maintenance run --auto` at most this often per mirror (default 10 min), in the background
   * after a fetch, never while a fetch runs: fetches themselves skip auto maintenance (it costs a
   * process or more on every trigger).
   */
  maintenanceIntervalMs?: number;
  /** A mirror's `cat-file --batch-command` reader ends after this long unused (default 2 s). */
  readerIdleMs?: number;
}

export interface CommitInfo {
  sha: string;
  /** Full message, trailing newlines removed. */
  message: string;
  /** `Name <email>`, like the forges' payloads give it. */
  author: string;
  /** Author time, epoch ms. */
  timestamp: number;
}

/**
 * Per-project bare mirrors of the configured clone URL, and reads of commits in them.
 *
 * Call order: `sync` before reading a commit that may be new (reads never fetch). Concurrency: one
 * clone/fetch at a time per project; concurrent `sync` calls coalesce (each caller gets a fetch that
 * started after it called; see sync-gate.ts). Reads may run concurrently with each other and with a
 * fetch (git updates refs atomically). Idempotency: `sync` is (it fetches again); `checkout` needs an
 * empty or missing `dir`. Cancellation: `checkout` takes a signal; a shared fetch cannot be cancelled
 * by one caller, it ends by its timeout.
 * Security: only `project.repoUrl` is ever fetched; refs, shas and paths are validated before git
 * sees them (GIT_BAD_REF); credentials in URLs never appear in errors or in the mirror's config.
 * Errors: GIT_FETCH_FAILED (retryable), GIT_BAD_REF, GIT_UNKNOWN_COMMIT, GIT_CHECKOUT_FAILED, GIT_FAILED.
 */
export interface RepoMirrors {
  /** Where the project's mirror lives (it may not exist yet). */
  mirrorPath(project: Pick<Project, 'id'>): string;
  /** Clones the mirror on first use (`git clone --mirror`), else `git fetch --prune`. */
  sync(project: MirrorProject): Promise<void>;
  /**
   * True when the mirror exists and has the commit (a full id): a webhook for a commit already
   * fetched needs no fetch. Never fetches; false for anything else.
   */
  hasCommit(project: MirrorProject, sha: string): Promise<boolean>;
  /** Epoch ms of the last successful sync in this process, if any. */
  lastSyncedAt(project: Pick<Project, 'id'>): number | undefined;
  /**
   * The commit a full ref names in the origin right now, asked without a fetch when the origin is a
   * repository on this machine (origin-head.ts); undefined for a remote origin or when that cannot
   * tell. A trigger of a branch whose head the mirror already has then needs no fetch.
   */
  originHead(project: MirrorProject, ref: string): Promise<string | undefined>;
  /**
   * The commit a ref names, or undefined when there is no such ref/commit. `ref` is a full commit id
   * (checked to exist), a full ref (`refs/heads/main`, `refs/tags/v1`), or a short name tried as
   * `refs/heads/<name>` then `refs/tags/<name>` (never git's other guesses).
   */
  resolve(project: MirrorProject, ref: string): Promise<string | undefined>;
  /** The file's text at the commit; undefined when there is no such file (or it is a directory). */
  readFile(project: MirrorProject, sha: string, path: string): Promise<string | undefined>;
  /** Every file (recursively) under `dir` at the commit, full paths, sorted; `''` = the whole tree. */
  listFiles(project: MirrorProject, sha: string, dir: string): Promise<string[]>;
  commitInfo(project: MirrorProject, sha: string): Promise<CommitInfo>;
  /**
   * Paths changed between two commits (both sides of renames), sorted; undefined when `before` is
   * all zeros (new ref), not a commit id, or not in the mirror — unknown, so `paths` filters pass.
   */
  changedFiles(project: MirrorProject, before: string, after: string): Promise<string[] | undefined>;
  /**
   * Puts exactly `sha` into `dir` (missing or empty) with a self-contained `.git` (clone --local:
   * objects hard-linked from the mirror when on the same filesystem), detached HEAD; `origin` is the
   * mirror path, never the credentialed URL.
   */
  checkout(project: MirrorProject, sha: string, dir: string, options?: { signal?: AbortSignal }): Promise<void>;
  /** Deletes the project's mirror (project deleted). Idempotent. */
  remove(project: Pick<Project, 'id'>): Promise<void>;
  /**
   * Ends the long-lived readers and waits for background maintenance (server shutdown). Calls after
   * it still work (a reader is started again on demand). Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Composes the pieces: fetching (mirror-sync.ts), object reads through long-lived readers
 * (mirror-readers.ts), and the few commands that need their own git process (ls-tree, diff-tree,
 * log, checkout).
 */
export function createRepoMirrors(options: RepoMirrorsOptions): RepoMirrors {
  const root = join(options.dataDir, 'repos');
  const fetchTimeoutMs = options.fetchTimeoutMs ?? 600_000;
  const commandTimeoutMs = options.commandTimeoutMs ?? 60_000;
  const mirrorPath = (project: Pick<Project, 'id'>): string => join(root, `${project.id}.git`);
  const readers = createMirrorReaders({ mirrorPath, commandTimeoutMs, onGit: options.onGit, readerIdleMs: options.readerIdleMs });
  const mirrorSync = createMirrorSync({
    root,
    mirrorPath,
    clock: options.clock,
    fetchTimeoutMs,
    commandTimeoutMs,
    maintenanceIntervalMs: options.maintenanceIntervalMs ?? 600_000,
    onGit: options.onGit,
    onMaintained: (project) => readers.drop(project), // it may have repacked
  });

  const git = (project: Pick<Project, 'id'>, args: string[], extra: { signal?: AbortSignal; maxBuffer?: number } = {}): Promise<GitResult> =>
    runGit(args, { cwd: mirrorPath(project), timeoutMs: commandTimeoutMs, ...extra }, options.onGit);

  async function commitExists(project: MirrorProject, sha: string): Promise<boolean> {
    return (await readers.peelCommit(project, sha)) !== undefined;
  }

  async function requireCommit(project: MirrorProject, sha: string): Promise<void> {
    assertSha(sha);
    if (!(await commitExists(project, sha))) {
      throw new GantryError('GIT_UNKNOWN_COMMIT', `commit ${sha} is not in the repository of project ${project.id} (${redactCredentials(project.repoUrl)})`, {
        details: { sha, project: project.id },
      });
    }
  }

  // `ref` passed assertRefName: no `^ ~ : @{ ..`, spaces or line breaks, so the reader sees one name.
  const revParse = (project: MirrorProject, ref: string): Promise<string | undefined> => readers.peelCommit(project, ref);

  return {
    mirrorPath,
    sync: (project) => mirrorSync.sync(project),

    async hasCommit(project, sha) {
      if (!isFullSha(sha) || !existsSync(join(mirrorPath(project), 'HEAD'))) return false;
      return commitExists(project, sha);
    },

    lastSyncedAt: (project) => mirrorSync.lastSyncedAt(project),

    originHead(project, ref) {
      assertRefName(ref);
      return readLocalOriginHead(project.repoUrl, ref, { timeoutMs: commandTimeoutMs, onGit: options.onGit });
    },

    async resolve(project, ref) {
      if (isFullSha(ref)) return (await commitExists(project, ref)) ? ref : undefined;
      assertRefName(ref);
      if (ref.startsWith('refs/')) return revParse(project, ref);
      return (await revParse(project, `refs/heads/${ref}`)) ?? (await revParse(project, `refs/tags/${ref}`));
    },

    async readFile(project, sha, path) {
      assertSha(sha);
      assertTreePath(path);
      const text = await readers.readBlob(project, sha, path);
      if (text === undefined) await requireCommit(project, sha);
      return text;
    },

    async listFiles(project, sha, dir) {
      assertSha(sha);
      assertTreePath(dir, { allowRoot: true });
      const spec = dir === '' ? [] : [dir.endsWith('/') ? dir : `${dir}/`];
      try {
        const { stdout } = await git(project, ['ls-tree', '-r', '-z', '--name-only', '--full-tree', sha, '--', ...spec]);
        return stdout.split('\0').filter((p) => p !== '').sort();
      } catch (err) {
        await requireCommit(project, sha);
        throw gitFailure('GIT_FAILED', `git ls-tree ${dir}`, err);
      }
    },

    async commitInfo(project, sha) {
      assertSha(sha);
      const raw = await readers.readCommit(project, sha);
      if (raw === undefined) await requireCommit(project, sha);
      const parsed = raw && parseCommit(raw.body);
      if (raw && parsed) return { sha: raw.oid, ...parsed };
      // A commit in another encoding or with an odd author line: git log formats it.
      try {
        const { stdout } = await git(project, ['log', '-1', '--no-show-signature', '--format=%H%x00%an <%ae>%x00%at%x00%B', sha, '--']);
        const [full = sha, author = '', at = '0', ...rest] = stdout.split('\0');
        return { sha: full, author, timestamp: Number(at) * 1000, message: rest.join('\0').replace(/\n+$/, '') };
      } catch (err) {
        throw gitFailure('GIT_FAILED', `git log ${sha}`, err);
      }
    },

    async changedFiles(project, before, after) {
      await requireCommit(project, after);
      if (!isFullSha(before) || isZeroSha(before) || !(await commitExists(project, before))) return undefined;
      try {
        const { stdout } = await git(project, ['diff-tree', '-r', '-z', '--name-only', '--no-renames', before, after, '--']);
        return [...new Set(stdout.split('\0').filter((p) => p !== ''))].sort();
      } catch (err) {
        throw gitFailure('GIT_FAILED', `git diff-tree ${before} ${after}`, err);
      }
    },

    async checkout(project, sha, dir, opts = {}) {
      await requireCommit(project, sha);
      const run = (args: string[], cwd?: string) =>
        runGit(args, { timeoutMs: commandTimeoutMs, ...(cwd ? { cwd } : {}), ...(opts.signal ? { signal: opts.signal } : {}) }, options.onGit);
      try {
        await run(['clone', '--quiet', '--local', '--no-checkout', '--', mirrorPath(project), dir]);
        await run(['-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', sha, '--'], dir);
      } catch (err) {
        throw gitFailure('GIT_CHECKOUT_FAILED', `checkout of ${sha} into ${dir}`, err, { sha, dir });
      }
    },

    async remove(project) {
      readers.drop(project);
      await mirrorSync.forget(project);
      await rm(mirrorPath(project), { recursive: true, force: true });
    },

    async close() {
      readers.close();
      await mirrorSync.close();
    },
  };
}
