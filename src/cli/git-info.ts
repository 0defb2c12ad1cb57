import { execFile } from 'node:child_process';
import { basename, isAbsolute, resolve } from 'node:path';

/** What `gantry exec` learns about the checkout it runs in. Everything is empty outside a repo. */
export interface GitInfo {
  /** Absolute path of the working tree root, or undefined outside a git repository. */
  root?: string;
  /** Absolute path of the git directory (`.git`), or undefined outside a repository. */
  gitDir?: string;
  branch: string;
  sha: string;
  message: string;
  author: string;
  repository: string;
}

/**
 * Runs `git` with an argv (execFile, never a shell: ref names and messages are untrusted text).
 * Resolves undefined when git fails or is missing.
 */
export function git(args: readonly string[], cwd: string): Promise<string | undefined> {
  return new Promise((done) => {
    execFile('git', args as string[], { cwd, encoding: 'utf8', maxBuffer: 4 << 20 }, (err, stdout) => {
      done(err ? undefined : stdout);
    });
  });
}

export async function readGitInfo(cwd: string): Promise<GitInfo> {
  const top = await git(['rev-parse', '--show-toplevel', '--absolute-git-dir'], cwd);
  if (top === undefined) return { branch: '', sha: '', message: '', author: '', repository: '' };
  const [root = '', gitDirRaw = ''] = top.split('\n');
  const gitDir = isAbsolute(gitDirRaw) ? gitDirRaw : resolve(cwd, gitDirRaw);
  // No commit yet is normal in a fresh repository: sha stays empty, the branch still has a name.
  const [branch, commit] = await Promise.all([
    git(['symbolic-ref', '--quiet', '--short', 'HEAD'], cwd),
    git(['log', '-1', '--format=%H%x00%an <%ae>%x00%B'], cwd),
  ]);
  const [sha = '', author = '', message = ''] = (commit ?? '').split('\0');
  return {
    root,
    gitDir,
    branch: (branch ?? '').trim(),
    sha: sha.trim(),
    author: author.trim(),
    message: message.trim(),
    repository: basename(root),
  };
}
