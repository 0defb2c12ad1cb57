import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { systemClock, type Clock } from '../../core/index.js';
import type { JobStorage, StoredArtifact } from './job-storage.js';

export interface LocalJobStorageOptions {
  /** Kept between `gantry exec` runs: one directory per cache key. */
  cacheDir: string;
  /** This exec run's artifacts, one directory per job and artifact name. */
  artifactsDir: string;
  /** Orders cache entries for prefix matches (newest first) and ages crash leftovers. */
  clock?: Clock;
  /**
   * Most bytes of cache archives kept (default 2 GiB): saving past it removes the least recently
   * used entries (a restore counts as a use), never the one just saved.
   */
  cacheMaxBytes?: number;
}

export const DEFAULT_LOCAL_CACHE_MAX_BYTES = 2 * 1024 ** 3;

/** Half-written entries older than this were left by a crash and are removed. */
const STALE_TEMP_MS = 24 * 60 * 60 * 1000;
const ARCHIVE = 'archive.tgz';
const META = 'meta.json';

interface CacheMeta {
  key: string;
  createdAt: number;
}

interface ArtifactMeta {
  jobId: string;
  name: string;
  sizeBytes: number;
  retentionMs?: number;
}

/**
 * JobStorage on the local disk, for `gantry exec` (which has no server): one scope, every job of
 * the exec run sees every cache entry and the artifacts of the jobs it needs.
 *
 * Layout: `<cacheDir>/entries/<sha256(key)>/{meta.json,archive.tgz}` and
 * `<artifactsDir>/entries/<sha256(job)>/<sha256(name)>/{meta.json,archive.tgz}`. An entry is
 * written whole into `<dir>/.tmp/<random>/` (archive flushed to disk) and then renamed into place,
 * so a crash or a full disk leaves at most a temp dir (removed after a day), never a half entry.
 * Cache entries are immutable: the rename fails when the key's directory exists, which also settles
 * two exec runs saving one key at once. An artifact uploaded again (a retried job) replaces the
 * earlier one. Retention is recorded but not enforced: the exec run's artifacts dir is its lifetime.
 * The cache is bounded by `cacheMaxBytes` (LRU; the meta file's mtime is the entry's last use).
 * Concurrency: any number of calls at once, across processes too.
 */
export function createLocalJobStorage(options: LocalJobStorageOptions): (jobId: string) => JobStorage {
  const clock = options.clock ?? systemClock;
  let swept = false;
  const sweep = async (): Promise<void> => {
    if (swept) return;
    swept = true;
    await Promise.all([removeStaleTemps(options.cacheDir, clock), removeStaleTemps(options.artifactsDir, clock)]);
  };
  const cacheEntries = join(options.cacheDir, 'entries');
  const artifactEntries = join(options.artifactsDir, 'entries');
  return (jobId) => ({
    async restoreCache(key, prefixes, signal) {
      signal.throwIfAborted();
      const exact = join(cacheEntries, digest(key));
      if (await readMeta<CacheMeta>(exact)) return { key, archive: await openUsed(exact, clock) };
      const all = await listCacheEntries(cacheEntries);
      for (const prefix of prefixes) {
        const newest = all.filter((e) => e.meta.key.startsWith(prefix)).sort((a, b) => b.meta.createdAt - a.meta.createdAt || cmp(a.meta.key, b.meta.key))[0];
        if (newest) return { key: newest.meta.key, archive: await openUsed(newest.dir, clock) };
      }
      return undefined;
    },

    async saveCache(key, archive, signal) {
      await sweep();
      const target = join(cacheEntries, digest(key));
      if (await readMeta<CacheMeta>(target)) {
        archive.resume();
        return false;
      }
      const meta: CacheMeta = { key, createdAt: clock.now() };
      const saved = await writeEntry(options.cacheDir, target, archive, () => meta, signal, 'keep');
      if (saved) await evictLeastRecentlyUsed(cacheEntries, options.cacheMaxBytes ?? DEFAULT_LOCAL_CACHE_MAX_BYTES, target);
      return saved;
    },

    async uploadArtifact(name, archive, retentionMs, signal) {
      await sweep();
      const target = join(artifactEntries, digest(jobId), digest(name));
      await writeEntry(options.artifactsDir, target, archive, (sizeBytes) => ({ jobId, name, sizeBytes, ...(retentionMs !== undefined ? { retentionMs } : {}) }), signal, 'replace');
    },

    async artifactsOf(jobIds, signal) {
      signal.throwIfAborted();
      const found: StoredArtifact[] = [];
      for (const id of jobIds) {
        const jobDir = join(artifactEntries, digest(id));
        for (const name of (await readdir(jobDir).catch(() => [])).sort()) {
          const meta = await readMeta<ArtifactMeta>(join(jobDir, name));
          if (!meta) continue;
          const file = join(jobDir, name, ARCHIVE);
          found.push({ jobId: meta.jobId, name: meta.name, sizeBytes: meta.sizeBytes, open: async (s) => (s.throwIfAborted(), createReadStream(file)) });
        }
      }
      return found;
    },
  });
}

/**
 * Streams `archive` into a fresh temp dir under `root/.tmp`, flushes it, writes the meta file and
 * renames the dir to `target`. 'keep': an existing target wins (returns false); 'replace': the
 * existing target is moved aside first and removed after.
 */
async function writeEntry(root: string, target: string, archive: Readable, meta: (sizeBytes: number) => object, signal: AbortSignal, existing: 'keep' | 'replace'): Promise<boolean> {
  const temps = join(root, '.tmp');
  await mkdir(temps, { recursive: true });
  const temp = join(temps, randomBytes(8).toString('hex'));
  await mkdir(temp);
  try {
    const file = join(temp, ARCHIVE);
    await pipeline(archive, createWriteStream(file), { signal });
    const handle = await open(file, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await writeFile(join(temp, META), JSON.stringify(meta((await stat(file)).size)));
    await mkdir(join(target, '..'), { recursive: true });
    if (existing === 'replace') {
      const aside = `${temp}.old`;
      await rename(target, aside).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      await rename(temp, target);
      await rm(aside, { recursive: true, force: true });
      return true;
    }
    try {
      await rename(temp, target);
      return true;
    } catch (err) {
      // Another save of the same key won the race: that entry stays, as entries are immutable.
      if ((err as NodeJS.ErrnoException).code === 'ENOTEMPTY' || (err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

async function listCacheEntries(dir: string): Promise<{ dir: string; meta: CacheMeta }[]> {
  const names = await readdir(dir).catch(() => []);
  const entries = await Promise.all(names.map(async (name) => ({ dir: join(dir, name), meta: await readMeta<CacheMeta>(join(dir, name)) })));
  return entries.flatMap((e) => (e.meta ? [{ dir: e.dir, meta: e.meta }] : []));
}

/** The entry's archive for reading, its use recorded (the meta file's mtime) for LRU eviction. */
async function openUsed(dir: string, clock: Clock): Promise<Readable> {
  const now = new Date(clock.now());
  await utimes(join(dir, META), now, now).catch(() => undefined);
  return createReadStream(join(dir, ARCHIVE));
}

/**
 * Removes the least recently used cache entries until their archives fit in `maxBytes`, sparing
 * `keep`. Another exec reading an entry removed here still reads it to the end (an open file
 * outlives its unlink); one that looks it up afterwards gets a miss.
 */
async function evictLeastRecentlyUsed(entries: string, maxBytes: number, keep: string): Promise<void> {
  const names = await readdir(entries).catch(() => []);
  const sized = await Promise.all(
    names.map(async (name) => {
      const dir = join(entries, name);
      const [archive, meta] = await Promise.all([stat(join(dir, ARCHIVE)).catch(() => undefined), stat(join(dir, META)).catch(() => undefined)]);
      return archive && meta ? { dir, bytes: archive.size, usedAt: meta.mtimeMs } : undefined;
    }),
  );
  const present = sized.filter((e) => e !== undefined).sort((a, b) => a.usedAt - b.usedAt || cmp(a.dir, b.dir));
  let total = present.reduce((sum, e) => sum + e.bytes, 0);
  for (const entry of present) {
    if (total <= maxBytes) break;
    if (entry.dir === keep) continue;
    await rm(entry.dir, { recursive: true, force: true });
    total -= entry.bytes;
  }
}

/** The entry's meta, or undefined when there is no complete entry (a missing dir reads as none). */
async function readMeta<T>(dir: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, META), 'utf8')) as T;
  } catch {
    return undefined;
  }
}

async function removeStaleTemps(root: string, clock: Clock): Promise<void> {
  const temps = join(root, '.tmp');
  const now = clock.now();
  for (const name of await readdir(temps).catch(() => [])) {
    const info = await stat(join(temps, name)).catch(() => undefined);
    if (info && now - info.mtimeMs > STALE_TEMP_MS) await rm(join(temps, name), { recursive: true, force: true });
  }
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
