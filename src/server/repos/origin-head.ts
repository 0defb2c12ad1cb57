import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runGit, type GitObserver } from './git-command.js';
import { isFullSha } from './git-names.js';

/**
 * The git directory of a clone URL that names a repository on this machine (an absolute path or a
 * `file://` URL, bare or with a worktree), or undefined for a remote URL or a path that is not a
 * repository there. Relative paths and `.git` guessing are left to fetch, which reports them.
 */
export function localOriginGitDir(repoUrl: string): string | undefined {
  let path: string;
  try {
    path = repoUrl.startsWith('file://') ? fileURLToPath(repoUrl) : repoUrl;
  } catch {
    return undefined;
  }
  if (!isAbsolute(path)) return undefined;
  const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
  if (isDir(join(path, '.git'))) return join(path, '.git');
  return isDir(path) && existsSync(join(path, 'HEAD')) && isDir(join(path, 'objects')) ? path : undefined;
}

/**
 * The commit `ref` (a full ref name, already checked by assertRefName) names in a repository on this
 * machine right now, without a fetch: one `git rev-parse` there. A fresh process each time on
 * purpose: a long-lived `cat-file` reader caches packed-refs and, checked with git 2.39, answered an
 * old commit after `pack-refs` + `gc` rewrote the file within the same second. Undefined when the
 * origin is remote, or the answer is not a plain yes (no such ref, not readable): the caller then
 * fetches as before, and the fetch says what is wrong.
 */
export async function readLocalOriginHead(
  repoUrl: string,
  ref: string,
  options: { timeoutMs: number; onGit?: GitObserver | undefined },
): Promise<string | undefined> {
  const gitDir = localOriginGitDir(repoUrl);
  if (gitDir === undefined) return undefined;
  try {
    // --git-dir: no discovery, so a path that is not a repository never reads an enclosing one.
    const { stdout } = await runGit(['--git-dir', gitDir, 'rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], { timeoutMs: options.timeoutMs }, options.onGit);
    const sha = stdout.trim();
    return isFullSha(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}
