/**
 * Project repositories on the server: per-project bare mirrors in `<dataDir>/repos/<id>.git`, kept
 * by fetching (never re-cloning) the project's configured clone URL, and what is read from them —
 * refs, files and commit facts at a commit, changed paths, and job workspaces with the exact commit.
 *
 *   createRepoMirrors({ dataDir, clock })  → RepoMirrors (sync, hasCommit, originHead, resolve, readFile,
 *                                            listFiles, commitInfo, changedFiles, checkout, remove, close)
 *   Reads go through one long-lived `git cat-file --batch-command` per mirror (mirror-readers.ts,
 *   cat-file-batch.ts); fetches (mirror-sync.ts) skip auto maintenance, which runs in the background
 *   at most every 10 minutes. A branch trigger on an origin that is a repository on this machine asks
 *   it for the head with one `git rev-parse` (origin-head.ts) and fetches only when that is new.
 *   isValidRefName / isFullSha / isZeroSha   checks used before a value from outside reaches git
 */
export { createRepoMirrors, type RepoMirrors, type RepoMirrorsOptions, type MirrorProject, type CommitInfo } from './repo-mirrors.js';
export { isValidRefName, assertRefName, isFullSha, isZeroSha } from './git-names.js';
export { redactCredentials, type GitObserver } from './git-command.js';
