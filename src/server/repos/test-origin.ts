import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gitEnv } from './git-command.js';

/**
 * Tests only: a real bare "origin" repository in a temp dir, and a work clone that makes commits and
 * pushes them to it, as a developer would. Identity comes through `-c` so no global config is needed.
 */
export interface TestOrigin {
  /** The bare repository (usable as a local-path clone URL; `fileUrl` for file://). */
  bare: string;
  fileUrl: string;
  /** A scratch dir the test may use for workspaces, data dirs… */
  scratch: string;
  /** Writes files (null deletes), commits on `branch` and pushes; returns the new commit id. */
  commit(files: Record<string, string | null>, options?: { branch?: string; message?: string; author?: string }): string;
  /** Creates a lightweight tag at a commit and pushes it. */
  tag(name: string, sha: string): void;
  git(args: string[], cwd?: string): string;
  cleanup(): void;
}

export function createTestOrigin(): TestOrigin {
  const root = mkdtempSync(join(tmpdir(), 'gantry-origin-'));
  const bare = join(root, 'origin.git');
  const work = join(root, 'work');
  const scratch = join(root, 'scratch');
  mkdirSync(scratch);
  const git = (args: string[], cwd = work): string =>
    execFileSync('git', ['-c', 'user.name=Test User', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args], {
      cwd,
      env: gitEnv(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  git(['init', '--quiet', '--bare', bare], root);
  git(['init', '--quiet', work], root);
  git(['remote', 'add', 'origin', bare]);
  let current: string | undefined;

  return {
    bare,
    fileUrl: `file://${bare}`,
    scratch,
    git,
    commit(files, options = {}) {
      const branch = options.branch ?? 'main';
      if (current !== branch) {
        const exists = git(['branch', '--list', branch]) !== '';
        if (exists) git(['checkout', '--quiet', branch]);
        else git(['checkout', '--quiet', '-b', branch]);
        current = branch;
      }
      for (const [path, content] of Object.entries(files)) {
        const full = join(work, path);
        if (content === null) rmSync(full, { force: true });
        else {
          mkdirSync(dirname(full), { recursive: true });
          writeFileSync(full, content);
        }
      }
      git(['add', '--all']);
      const authorArgs = options.author ? ['--author', options.author] : [];
      git(['commit', '--quiet', '--allow-empty', '-m', options.message ?? 'change', ...authorArgs]);
      git(['push', '--quiet', '--force', 'origin', `HEAD:refs/heads/${branch}`]);
      return git(['rev-parse', 'HEAD']);
    },
    tag(name, sha) {
      git(['tag', name, sha]);
      git(['push', '--quiet', 'origin', `refs/tags/${name}`]);
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
