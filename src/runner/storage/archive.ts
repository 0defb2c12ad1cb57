import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { create, list, Unpack, type ReadEntry } from 'tar';
import { GantryError } from '../../core/index.js';
import { checkEntry, checkTree, type EntryHeader, type Refusal } from './archive-check.js';
import { selectPaths, type PathSelection } from './path-select.js';

/*
 * Caches and artifacts travel as gzipped tars made here and unpacked here; storage only keeps the
 * bytes. An archive may come from another job, another branch's run or a tampered store, so
 * unpacking trusts nothing in it: see `unpack`.
 */

export interface Packed extends Omit<PathSelection, 'paths'> {
  /** The gzipped tar; undefined when no pattern selected anything. */
  archive: Readable | undefined;
  /** How many files, directories and symlinks it holds. */
  entries: number;
}

/**
 * Packs what `patterns` select under `root` (see selectPaths: relative paths or globs; nothing
 * outside the root, symlinks stored as symlinks and never followed) into a gzipped tar whose entry
 * names are relative to `root`. Owner and device fields are left out (they mean nothing on another
 * machine); modes and modification times are kept.
 */
export async function pack(root: string, patterns: readonly string[]): Promise<Packed> {
  const { paths, unmatched, refused } = await selectPaths(root, patterns);
  if (paths.length === 0) return { archive: undefined, entries: 0, unmatched, refused };
  const tar = create({ cwd: root, gzip: true, portable: true, noDirRecurse: true, follow: false, strict: true }, paths);
  return { archive: Readable.from(tar), entries: paths.length, unmatched, refused };
}

export interface Unpacked {
  entries: number;
  /** Size of the (compressed) archive. */
  bytes: number;
}

/**
 * Unpacks a gzipped tar into `destDir` (which must exist), or refuses it whole before writing
 * anything there. The archive is first spooled to a private temp file and every header read and
 * checked (archive-check.ts): an absolute path, a `..` component, a hard link, a device, FIFO or any
 * other special entry, an entry under a symlink (the archive's own or one already in `destDir`), or
 * a symlink that resolves outside `destDir` refuses the archive with RUNNER_UNSAFE_ARCHIVE naming
 * the entry. Only then is it extracted, by node-tar with the same checks as a filter, owners not
 * applied, set-id bits dropped, existing files unlinked before being replaced (so a hard link in
 * `destDir` never carries new content elsewhere), and node-tar's own refusal to write through
 * symlinks. Files, directories and symlinks already in `destDir` that the archive does not name
 * stay. An I/O failure or `signal` during extraction can leave part of the archive written.
 */
export async function unpack(archive: Readable, destDir: string, signal: AbortSignal): Promise<Unpacked> {
  const spoolDir = await mkdtemp(join(tmpdir(), 'gantry-unpack-'));
  try {
    const spool = join(spoolDir, 'archive.tgz');
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    await pipeline(archive, counter, createWriteStream(spool), { signal });
    // An empty stream is no archive at all, though node-tar would list nothing and call that fine.
    if (bytes === 0) throw new GantryError('RUNNER_UNSAFE_ARCHIVE', 'archive refused: it is empty (not a gzipped tar)');
    const headers = await readHeaders(spool);
    const refusal = firstRefusal(headers, destDir);
    if (refusal !== undefined) {
      throw new GantryError('RUNNER_UNSAFE_ARCHIVE', `archive refused, nothing unpacked: entry ${JSON.stringify(refusal.entry)} ${refusal.reason}`, {
        details: { entry: refusal.entry, reason: refusal.reason },
      });
    }
    signal.throwIfAborted();
    await extract(spool, destDir, signal);
    return { entries: headers.length, bytes };
  } finally {
    await rm(spoolDir, { recursive: true, force: true });
  }
}

async function readHeaders(file: string): Promise<EntryHeader[]> {
  const headers: EntryHeader[] = [];
  try {
    await list({
      file,
      strict: true,
      onReadEntry: (entry: ReadEntry) => headers.push({ path: entry.path, type: entry.type, linkpath: entry.linkpath }),
    });
  } catch (err) {
    throw new GantryError('RUNNER_UNSAFE_ARCHIVE', `archive refused: not a readable gzipped tar (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  return headers;
}

function firstRefusal(headers: readonly EntryHeader[], destDir: string): Refusal | undefined {
  const checked: (EntryHeader & { rel: string })[] = [];
  for (const header of headers) {
    const result = checkEntry(header);
    if ('reason' in result) return { entry: header.path, reason: result.reason };
    checked.push({ ...header, rel: result.rel });
  }
  return checkTree(destDir, checked);
}

function extract(file: string, destDir: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const unpacker = new Unpack({
      cwd: destDir,
      strict: true,
      preserveOwner: false,
      unlink: true,
      // Defence in depth: the headers were checked already; an entry that fails now is skipped.
      filter: (_path, entry) => {
        const header = entry as ReadEntry;
        const result = checkEntry(header);
        if ('reason' in result || result.rel === '') return false;
        if (typeof header.mode === 'number') header.mode &= 0o777;
        return true;
      },
    });
    const input = createReadStream(file);
    const onAbort = (): void => {
      input.destroy();
      unpacker.abort(new Error('canceled'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = (err?: unknown): void => {
      signal.removeEventListener('abort', onAbort);
      if (err === undefined) resolve();
      else reject(err instanceof Error ? err : new Error(String(err)));
    };
    unpacker.on('error', settle);
    unpacker.on('close', () => settle());
    input.on('error', settle);
    input.pipe(unpacker);
  });
}
