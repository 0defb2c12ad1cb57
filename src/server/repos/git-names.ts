import { GantryError } from '../../core/index.js';

/**
 * Checks on values that come from outside (webhook payloads, API calls) BEFORE they reach git's
 * argv. git never runs through a shell here, so the danger is not `;` but a value git would read as
 * an option (`--upload-pack=…`), a revision expression (`main@{1}`, `HEAD~3`, `a..b`) or a path that
 * leaves the tree. Ref names follow `git check-ref-format` (refs/heads/… or a short name).
 */

const MAX_REF_LENGTH = 1024;
const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
// Controls, space, DEL and the characters check-ref-format forbids anywhere.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARS = /[\x00-\x20\x7f~^:?*[\\]/;

/** True for a full commit id (SHA-1 or SHA-256), lower case. */
export function isFullSha(value: string): boolean {
  return SHA.test(value);
}

/** True for git's all-zero object name (a created or deleted ref's other side). */
export function isZeroSha(value: string): boolean {
  return /^0+$/.test(value);
}

/** `git check-ref-format --allow-onelevel` rules, plus: no leading `-`, bounded length. */
export function isValidRefName(name: string): boolean {
  if (name === '' || name.length > MAX_REF_LENGTH || name === '@') return false;
  if (name.startsWith('-') || name.startsWith('/') || name.endsWith('/') || name.endsWith('.')) return false;
  if (FORBIDDEN_CHARS.test(name) || name.includes('..') || name.includes('@{') || name.includes('//')) return false;
  return name.split('/').every((part) => part !== '' && !part.startsWith('.') && !part.endsWith('.lock'));
}

export function assertRefName(name: string): void {
  if (!isValidRefName(name)) {
    throw new GantryError('GIT_BAD_REF', `not a valid git ref name: ${JSON.stringify(truncate(name))}`, { details: { ref: truncate(name) } });
  }
}

export function assertSha(sha: string): void {
  if (!isFullSha(sha)) {
    throw new GantryError('GIT_BAD_REF', `not a full commit id (40 or 64 lower-case hex digits): ${JSON.stringify(truncate(sha))}`, {
      details: { sha: truncate(sha) },
    });
  }
}

/**
 * A path inside the tree: relative, `/`-separated, no `.`/`..` segments, no NUL, no leading `-` or `:`
 * (git would read `:` after the commit as a revision suffix). `''` means the root (for listFiles).
 */
export function assertTreePath(path: string, options: { allowRoot?: boolean } = {}): void {
  const ok =
    (path === '' && options.allowRoot === true) ||
    (path !== '' &&
      path.length <= 4096 &&
      !path.includes('\0') &&
      !path.startsWith('/') &&
      !path.startsWith('-') &&
      !path.startsWith(':') &&
      path.split('/').every((part, i, all) => (part !== '' || i === all.length - 1) && part !== '.' && part !== '..'));
  if (!ok) throw new GantryError('GIT_BAD_REF', `not a valid path in the repository: ${JSON.stringify(truncate(path))}`, { details: { path: truncate(path) } });
}

function truncate(value: string): string {
  return value.length > 200 ? `${value.slice(0, 200)}…` : value;
}
