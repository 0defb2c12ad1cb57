import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GantryError } from '../../core/index.js';

/** The two folders under the data directory; a blob's path names one of them. */
export type BlobKind = 'artifacts' | 'caches';

export interface WrittenBlob {
  /** Path relative to the data directory, e.g. `artifacts/<uuid>.tar.gz`. */
  blob: string;
  sizeBytes: number;
  sha256: string;
}

export interface BlobListing {
  blob: string;
  mtimeMs: number;
}

// Only names the server made: a blob path read back from the store can never point elsewhere.
const BLOB = /^(artifacts|caches)\/(\.)?[0-9a-f-]{36}\.(tar\.gz|part)$/;
const FULL_DISK = new Set(['ENOSPC', 'EDQUOT']);

/** Counts and hashes the bytes going through; fails once more than `maxBytes` went by. */
class Meter extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly tooLarge: () => GantryError,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return callback(this.tooLarge());
    this.hash.update(chunk);
    callback(null, chunk);
  }
}

/**
 * Archive files under `<dataDir>/artifacts` and `<dataDir>/caches`. A write goes to a temp file
 * (`.<uuid>.part`) in the same folder, is fsynced, renamed to `<uuid>.tar.gz` and the folder
 * fsynced: a file with the final name is always whole, and it is on disk before anyone stores a row
 * naming it. Names are random, never taken from an artifact name or cache key. Concurrent writes
 * never share a file; removal of a file being read is safe (POSIX keeps it until closed).
 */
export class BlobFiles {
  constructor(private readonly dataDir: string) {}

  /**
   * Copies `source` into a new file. On any failure — `signal` aborted, the source erroring, more
   * than `maxBytes` (the error `tooLarge` makes), a full disk (STORAGE_FULL) — the temp file is
   * removed and nothing is left behind.
   */
  async write(kind: BlobKind, source: Readable, options: { maxBytes: number; signal: AbortSignal; tooLarge: () => GantryError }): Promise<WrittenBlob> {
    const dir = join(this.dataDir, kind);
    const id = randomUUID();
    const temp = join(dir, `.${id}.part`);
    const meter = new Meter(options.maxBytes, options.tooLarge);
    try {
      options.signal.throwIfAborted();
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await pipeline(source, meter, createWriteStream(temp, { flags: 'wx', mode: 0o600 }), { signal: options.signal });
      await syncPath(temp);
      await rename(temp, join(dir, `${id}.tar.gz`));
      await syncPath(dir);
    } catch (err) {
      source.destroy();
      await unlink(temp).catch(() => undefined);
      throw diskError(err, kind);
    }
    return { blob: `${kind}/${id}.tar.gz`, sizeBytes: meter.bytes, sha256: meter.hash.digest('hex') };
  }

  /** A stream of the file; `notFound` makes the error for a file that is gone. */
  async open(blob: string, notFound: () => GantryError): Promise<Readable> {
    try {
      const handle = await open(this.#path(blob), 'r');
      return handle.createReadStream();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw notFound();
      throw err;
    }
  }

  /** Idempotent: a file that is gone already is fine. */
  async remove(blob: string): Promise<void> {
    await unlink(this.#path(blob)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  /** Every file of the folder (whole ones and temp files), with its modification time. */
  async list(kind: BlobKind): Promise<BlobListing[]> {
    const names = await readdir(join(this.dataDir, kind)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    });
    const out: BlobListing[] = [];
    for (const name of names) {
      const blob = `${kind}/${name}`;
      if (!BLOB.test(blob)) continue;
      const info = await stat(join(this.dataDir, blob)).catch(() => undefined);
      if (info?.isFile()) out.push({ blob, mtimeMs: info.mtimeMs });
    }
    return out;
  }

  #path(blob: string): string {
    if (!BLOB.test(blob)) throw new GantryError('SYSTEM_INTERNAL', `not a blob path the server made: ${JSON.stringify(blob)}`);
    return join(this.dataDir, blob);
  }
}

async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function diskError(err: unknown, kind: BlobKind): unknown {
  if (!FULL_DISK.has((err as NodeJS.ErrnoException).code ?? '')) return err;
  return new GantryError('STORAGE_FULL', `no space left for ${kind === 'artifacts' ? 'an artifact' : 'a cache entry'} in the data directory; nothing was stored`, {
    cause: err,
    details: { hint: 'free disk space, lower cacheQuotaMbPerProject or artifactRetention, or move the data directory' },
  });
}
