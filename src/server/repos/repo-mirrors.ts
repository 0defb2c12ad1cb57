import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GantryError, type Clock, type ErrorCode } from '../../core/index.js';
import type { Project } from '../../store/index.js';
import { GitProcessError, redactCredentials, runGit, type GitObserver, type GitResult } from './git-command.js';
import { assertRefName, assertSha, assertTreePath, isFullSha, isZeroSha } from './git-names.js';
import { createSyncGate } from './sync-gate.js';

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
  /** Epoch ms of the last successful sync in this process, if any. */
  lastSyncedAt(project: Pick<Project, 'id'>): number | undefined;
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
}

export function createRepoMirrors(options: RepoMirrorsOptions): RepoMirrors {
  const root = join(options.dataDir, 'repos');
  const fetchTimeoutMs = options.fetchTimeoutMs ?? 600_000;
  const commandTimeoutMs = options.commandTimeoutMs ?? 60_000;
  const gate = createSyncGate();
  const synced = new Map<number, number>();
  const mirrorPath = (project: Pick<Project, 'id'>): string => join(root, `${project.id}.git`);

  const git = (project: Pick<Project, 'id'>, args: string[], extra: { signal?: AbortSignal; maxBuffer?: number } = {}): Promise<GitResult> =>
    runGit(args, { cwd: mirrorPath(project), timeoutMs: commandTimeoutMs, ...extra }, options.onGit);

  const failed = (code: ErrorCode, what: string, err: unknown, details: Record<string, unknown> = {}): GantryError => {
    const p = err instanceof GitProcessError ? err : undefined;
    const why = p ? p.message : err instanceof Error ? err.message : String(err);
    const stderr = p ? redactCredentials(p.stderr.trim()).slice(-4000) : undefined;
    return new GantryError(code, redactCredentials(`${what}: ${why}`), {
      details: { ...details, ...(stderr ? { stderr } : {}), ...(p ? { timedOut: p.timedOut } : {}) },
      cause: err,
    });
  };

  async function clone(project: MirrorProject): Promise<void> {
    await mkdir(root, { recursive: true });
    // Clone next to the final place, then rename: a crash mid-clone never leaves a half mirror.
    const tmp = join(root, `.${project.id}.git.tmp-${randomBytes(6).toString('hex')}`);
    try {
      await runGit(['clone', '--mirror', '--quiet', '--', project.repoUrl, tmp], { timeoutMs: fetchTimeoutMs }, options.onGit);
      // The mirror keeps no credential on disk: fetches name the configured URL explicitly.
      await runGit(['config', 'remote.origin.url', redactCredentials(project.repoUrl)], { cwd: tmp, timeoutMs: commandTimeoutMs }, options.onGit);
      await rename(tmp, mirrorPath(project));
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw failed('GIT_FETCH_FAILED', `git clone --mirror ${redactCredentials(project.repoUrl)}`, err, { project: project.id });
    }
  }

  async function fetch(project: MirrorProject): Promise<void> {
    try {
      await runGit(
        ['fetch', '--prune', '--quiet', '--no-write-fetch-head', '--', project.repoUrl, '+refs/*:refs/*'],
        { cwd: mirrorPath(project), timeoutMs: fetchTimeoutMs },
        options.onGit,
      );
    } catch (err) {
      throw failed('GIT_FETCH_FAILED', `git fetch ${redactCredentials(project.repoUrl)}`, err, { project: project.id });
    }
  }

  function checkUrl(url: string): void {
    if (url === '' || url.startsWith('-') || /[\0\n\r]/.test(url)) {
      throw new GantryError('GIT_BAD_REF', `not a valid clone URL: ${JSON.stringify(redactCredentials(url))}`);
    }
  }

  async function commitExists(project: MirrorProject, sha: string): Promise<boolean> {
    try {
      await git(project, ['cat-file', '-e', `${sha}^{commit}`]);
      return true;
    } catch (err) {
      if (err instanceof GitProcessError && !err.timedOut && !err.aborted) return false;
      throw failed('GIT_FAILED', 'git cat-file', err);
    }
  }

  async function requireCommit(project: MirrorProject, sha: string): Promise<void> {
    assertSha(sha);
    if (!(await commitExists(project, sha))) {
      throw new GantryError('GIT_UNKNOWN_COMMIT', `commit ${sha} is not in the repository of project ${project.id} (${redactCredentials(project.repoUrl)})`, {
        details: { sha, project: project.id },
      });
    }
  }

  async function revParse(project: MirrorProject, ref: string): Promise<string | undefined> {
    try {
      const { stdout } = await git(project, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
      return stdout.trim() || undefined;
    } catch (err) {
      if (err instanceof GitProcessError && err.exitCode === 1) return undefined;
      throw failed('GIT_FAILED', `git rev-parse ${ref}`, err);
    }
  }

  return {
    mirrorPath,

    async sync(project) {
      checkUrl(project.repoUrl);
      await gate.run(project.id, async () => {
        if (existsSync(join(mirrorPath(project), 'HEAD'))) await fetch(project);
        else await clone(project);
        synced.set(project.id, options.clock.now());
      });
    },

    lastSyncedAt: (project) => synced.get(project.id),

    async resolve(project, ref) {
      if (isFullSha(ref)) return (await commitExists(project, ref)) ? ref : undefined;
      assertRefName(ref);
      if (ref.startsWith('refs/')) return revParse(project, ref);
      return (await revParse(project, `refs/heads/${ref}`)) ?? (await revParse(project, `refs/tags/${ref}`));
    },

    async readFile(project, sha, path) {
      assertSha(sha);
      assertTreePath(path);
      try {
        return (await git(project, ['cat-file', 'blob', `${sha}:${path}`])).stdout;
      } catch (err) {
        if (!(err instanceof GitProcessError) || err.timedOut || err.aborted) throw failed('GIT_FAILED', `git cat-file ${path}`, err);
        await requireCommit(project, sha);
        return undefined;
      }
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
        throw failed('GIT_FAILED', `git ls-tree ${dir}`, err);
      }
    },

    async commitInfo(project, sha) {
      await requireCommit(project, sha);
      try {
        const { stdout } = await git(project, ['log', '-1', '--no-show-signature', '--format=%H%x00%an <%ae>%x00%at%x00%B', sha, '--']);
        const [full = sha, author = '', at = '0', ...rest] = stdout.split('\0');
        return { sha: full, author, timestamp: Number(at) * 1000, message: rest.join('\0').replace(/\n+$/, '') };
      } catch (err) {
        throw failed('GIT_FAILED', `git log ${sha}`, err);
      }
    },

    async changedFiles(project, before, after) {
      await requireCommit(project, after);
      if (!isFullSha(before) || isZeroSha(before) || !(await commitExists(project, before))) return undefined;
      try {
        const { stdout } = await git(project, ['diff-tree', '-r', '-z', '--name-only', '--no-renames', before, after, '--']);
        return [...new Set(stdout.split('\0').filter((p) => p !== ''))].sort();
      } catch (err) {
        throw failed('GIT_FAILED', `git diff-tree ${before} ${after}`, err);
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
        throw failed('GIT_CHECKOUT_FAILED', `checkout of ${sha} into ${dir}`, err, { sha, dir });
      }
    },

    async remove(project) {
      await rm(mirrorPath(project), { recursive: true, force: true });
      synced.delete(project.id);
    },
  };
}
