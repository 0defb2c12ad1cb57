import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';

/** Directories never walked: VCS metadata is not part of what a cache key should describe. */
const SKIP_DIRS = new Set(['.git']);

/**
 * `hashFiles(...patterns)`: the sha256 (hex) of the files under `root` matching the glob patterns
 * (relative, `/`-separated, dotfiles included; a leading `!` excludes), or '' when none match.
 * Deterministic: files are visited in sorted path order and the result is the hash of each file's
 * own sha256, so it changes when any matching file's content, or the set of matching files, does.
 * Symlinks are not followed. Synchronous because expressions are evaluated synchronously; it is only
 * called when an expression uses it.
 */
export function hashFiles(root: string, patterns: readonly string[]): string {
  const include = patterns.filter((p) => !p.startsWith('!')).map((p) => p.replace(/^\.\//, ''));
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1).replace(/^\.\//, ''));
  if (include.length === 0) return '';
  const isIncluded = picomatch(include, { dot: true });
  const isExcluded = exclude.length > 0 ? picomatch(exclude, { dot: true }) : () => false;
  const total = createHash('sha256');
  let matched = 0;
  for (const rel of walk(root, '')) {
    if (!isIncluded(rel) || isExcluded(rel)) continue;
    total.update(createHash('sha256').update(readFileSync(join(root, rel))).digest());
    matched++;
  }
  return matched === 0 ? '' : total.digest('hex');
}

function* walk(root: string, prefix: string): Generator<string> {
  const entries = readdirSync(join(root, prefix), { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const entry of entries) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) yield* walk(root, rel);
    } else if (entry.isFile()) {
      yield rel;
    }
  }
}
