import { lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/** What the safety checks need of a tar entry (node-tar's ReadEntry has these fields). */
export interface EntryHeader {
  path: string;
  type: string;
  linkpath?: string | undefined;
}

/** Types an archive may hold; hard links, devices, FIFOs and everything else are refused. */
const ALLOWED_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink']);
/** Symlinks followed while resolving one target before it counts as a loop (as Linux's ELOOP). */
const MAX_LINK_HOPS = 40;

/**
 * The entry's path relative to the destination (`/`-separated, '' for the destination itself), or
 * why it is refused. Pure: judges the header alone. node-tar would strip a leading `/` and skip a
 * `..` entry with a warning; we refuse instead, so an archive is either unpacked whole or not at all.
 */
export function checkEntry(entry: EntryHeader): { rel: string } | { reason: string } {
  const path = entry.path;
  if (path === '' || path.includes('\0') || path.includes('\\')) return { reason: 'has an empty path, a NUL or a backslash in it' };
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return { reason: 'has an absolute path' };
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return { reason: 'has a ".." component' };
  if (parts[0] === '.git') return { reason: 'writes into .git (a cache or artifact must not change the repository)' };
  if (entry.type === 'Link') return { reason: 'is a hard link' };
  if (!ALLOWED_TYPES.has(entry.type)) return { reason: `is a ${entry.type} entry (only files, directories and symlinks are allowed)` };
  const rel = parts.join('/');
  if (rel === '' && entry.type !== 'Directory') return { reason: 'would replace the destination directory itself' };
  if (entry.type === 'SymbolicLink') {
    const target = entry.linkpath ?? '';
    if (target === '' || target.includes('\0')) return { reason: 'is a symlink without a target' };
    if (target.startsWith('/')) return { reason: `is a symlink to the absolute path ${JSON.stringify(target)}` };
  }
  return { rel };
}

/** A refused entry and why. */
export interface Refusal {
  entry: string;
  reason: string;
}

/**
 * Checks a whole archive's entries against each other and against what is already in `destDir`,
 * before anything is written: no entry below a symlink (of the archive or of the destination), no
 * directory replacing a symlink of the destination, no path that is a symlink and something else,
 * and every symlink's target, resolved through the archive's and the destination's symlinks as the
 * kernel would, stays inside `destDir`. Returns the first refusal, or undefined when all is safe.
 */
export function checkTree(destDir: string, entries: readonly (EntryHeader & { rel: string })[]): Refusal | undefined {
  const links = new Map<string, string>();
  const kinds = new Map<string, string>();
  for (const entry of entries) {
    const earlier = kinds.get(entry.rel);
    if (earlier !== undefined && (earlier === 'SymbolicLink' || entry.type === 'SymbolicLink') && entry.rel !== '') {
      return { entry: entry.path, reason: 'appears twice in the archive, once as a symlink' };
    }
    kinds.set(entry.rel, entry.type);
    if (entry.type === 'SymbolicLink') links.set(entry.rel, entry.linkpath ?? '');
  }
  const existing = createExistingLinks(destDir);
  for (const entry of entries) {
    const parts = entry.rel === '' ? [] : entry.rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (links.has(prefix)) return { entry: entry.path, reason: `lies under the symlink ${JSON.stringify(prefix)} of the same archive` };
      if (existing(prefix) !== undefined) return { entry: entry.path, reason: `would be written through the symlink ${JSON.stringify(prefix)} in the destination` };
    }
    if (entry.type === 'Directory' && entry.rel !== '' && existing(entry.rel) !== undefined) {
      return { entry: entry.path, reason: 'would replace a symlink in the destination with a directory' };
    }
  }
  const lookup = (rel: string): string | undefined => (kinds.has(rel) ? links.get(rel) : existing(rel));
  for (const [rel, target] of links) {
    const dir = rel.split('/').slice(0, -1);
    if (resolveInside(dir, target, lookup, { hops: 0 }) === undefined) {
      return { entry: rel, reason: `is a symlink to ${JSON.stringify(target)}, which resolves outside the destination` };
    }
  }
  return undefined;
}

/**
 * Resolves `target` from the directory `dir` (components under the destination) the way the kernel
 * does, following symlinks as `lookup` reports them; undefined when it leaves the destination, goes
 * to an absolute path or loops.
 */
function resolveInside(dir: string[], target: string, lookup: (rel: string) => string | undefined, budget: { hops: number }): string[] | undefined {
  let current = [...dir];
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (current.length === 0) return undefined;
      current.pop();
      continue;
    }
    current.push(part);
    const link = lookup(current.join('/'));
    if (link === undefined) continue;
    if (++budget.hops > MAX_LINK_HOPS || link.startsWith('/')) return undefined;
    current.pop();
    const resolved = resolveInside(current, link, lookup, budget);
    if (resolved === undefined) return undefined;
    current = resolved;
  }
  return current;
}

/** The target of an existing symlink at `rel` under `destDir` (undefined: none there), memoised. */
function createExistingLinks(destDir: string): (rel: string) => string | undefined {
  const memo = new Map<string, string | undefined>();
  return (rel) => {
    if (memo.has(rel)) return memo.get(rel);
    let target: string | undefined;
    try {
      if (lstatSync(join(destDir, rel)).isSymbolicLink()) target = readlinkSync(join(destDir, rel));
    } catch {
      target = undefined;
    }
    memo.set(rel, target);
    return target;
  };
}
