import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import picomatch from 'picomatch';

/** Directories a glob never walks into, as for hashFiles: VCS metadata is not a build output. */
const SKIP_DIRS = new Set(['.git']);

export interface PathSelection {
  /** `/`-separated paths relative to the root, each once; a directory's contents follow it. */
  paths: string[];
  /** Patterns that matched nothing (a warning for the job, not a failure). */
  unmatched: string[];
  /** Patterns refused because they are absolute, leave the root, name .git or pass through a symlink. */
  refused: { pattern: string; reason: string }[];
}

/**
 * What `cache: paths` and `artifacts: paths` select under `root`. A pattern is a relative path (a
 * file, or a directory with everything under it) or a glob (`coverage/**\/*.xml`, dotfiles
 * included); a matching directory brings its whole subtree. Symlinks are selected as links and never
 * followed, so nothing outside the root can be reached through one; a literal path whose parent is a
 * symlink is refused for the same reason. Sockets, FIFOs and devices are never selected.
 */
export async function selectPaths(root: string, patterns: readonly string[]): Promise<PathSelection> {
  const selection: PathSelection = { paths: [], unmatched: [], refused: [] };
  const seen = new Set<string>();
  const add = (rel: string): void => {
    if (!seen.has(rel)) {
      seen.add(rel);
      selection.paths.push(rel);
    }
  };
  let tree: WalkedEntry[] | undefined;
  for (const pattern of patterns) {
    const normal = normalizePattern(pattern);
    if ('reason' in normal) {
      selection.refused.push({ pattern, reason: normal.reason });
      continue;
    }
    const before = seen.size;
    if (normal.rel === '' || !picomatch.scan(normal.rel).isGlob) {
      const found = await selectLiteral(root, normal.rel);
      if ('reason' in found) selection.refused.push({ pattern, reason: found.reason });
      else found.paths.forEach(add);
    } else {
      tree ??= await walk(root, '');
      const isMatch = picomatch(normal.rel, { dot: true });
      // The walk lists a directory's subtree right after it, so one open directory is enough.
      let openDir: string | undefined;
      for (const entry of tree) {
        if (openDir !== undefined && !entry.rel.startsWith(`${openDir}/`)) openDir = undefined;
        if (openDir !== undefined || isMatch(entry.rel)) {
          add(entry.rel);
          if (entry.dir && openDir === undefined) openDir = entry.rel;
        }
      }
    }
    if (seen.size === before && !selection.refused.some((r) => r.pattern === pattern)) selection.unmatched.push(pattern);
  }
  return selection;
}

function normalizePattern(pattern: string): { rel: string } | { reason: string } {
  const trimmed = pattern.trim();
  if (trimmed === '' || trimmed.includes('\0')) return { reason: 'empty or not a path' };
  if (posix.isAbsolute(trimmed) || /^[A-Za-z]:/.test(trimmed)) return { reason: 'absolute; paths are relative to the workspace' };
  const rel = posix.normalize(trimmed).replace(/\/+$/, '');
  if (rel === '..' || rel.startsWith('../')) return { reason: 'leaves the workspace' };
  // Unpacking refuses .git entries (they could plant hooks), so packing them would only fail later.
  if (rel === '.git' || rel.startsWith('.git/')) return { reason: 'is inside .git, which caches and artifacts never hold' };
  return { rel: rel === '.' ? '' : rel };
}

interface WalkedEntry {
  rel: string;
  dir: boolean;
}

/** A literal path: itself and, for a directory, its subtree; its parents must be real directories. */
async function selectLiteral(root: string, rel: string): Promise<{ paths: string[] } | { reason: string }> {
  if (rel === '') return { paths: (await walk(root, '')).map((e) => e.rel) };
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    const parent = parts.slice(0, i).join('/');
    const stats = await lstat(join(root, parent)).catch(() => undefined);
    if (stats === undefined) return { paths: [] };
    if (stats.isSymbolicLink()) return { reason: `passes through the symlink ${parent}` };
    if (!stats.isDirectory()) return { paths: [] };
  }
  const stats = await lstat(join(root, rel)).catch(() => undefined);
  if (stats === undefined) return { paths: [] };
  if (stats.isDirectory()) return { paths: [rel, ...(await walk(root, rel, false)).map((e) => e.rel)] };
  if (stats.isFile() || stats.isSymbolicLink()) return { paths: [rel] };
  return { paths: [] };
}

/** Every directory, file and symlink under `prefix`, parents first, in sorted order. */
async function walk(root: string, prefix: string, skipVcs = true): Promise<WalkedEntry[]> {
  const out: WalkedEntry[] = [];
  const visit = async (dir: string): Promise<void> => {
    const entries: Dirent[] = await readdir(join(root, dir), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const rel = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (skipVcs && SKIP_DIRS.has(entry.name)) continue;
        out.push({ rel, dir: true });
        await visit(rel);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        out.push({ rel, dir: false });
      }
    }
  };
  await visit(prefix);
  return out;
}
