import { readdir, readFile, rm, rmdir, unlink, writeFile } from 'node:fs';
import { join } from 'node:path';

/*
 * Small promise wrappers over the callback fs API. They sit on the per-step path, where the
 * FileHandle-based fs/promises functions cost noticeably more main-thread time per call.
 */

export function writeText(path: string, text: string): Promise<void> {
  return new Promise((resolve, reject) => writeFile(path, text, (err) => (err ? reject(err) : resolve())));
}

export function readBytes(path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => readFile(path, (err, data) => (err ? reject(err) : resolve(data))));
}

export function listDir(path: string): Promise<string[]> {
  return new Promise((resolve, reject) => readdir(path, (err, names) => (err ? reject(err) : resolve(names))));
}

/**
 * Removes a directory tree. Gantry's temp dirs are usually flat (scripts and output files), so try
 * unlink-each + rmdir first and fall back to a full recursive remove for anything else.
 */
export async function removeTree(dir: string): Promise<void> {
  try {
    const names = await listDir(dir);
    await Promise.all(names.map((name) => new Promise<void>((resolve, reject) => unlink(join(dir, name), (err) => (err ? reject(err) : resolve())))));
    await new Promise<void>((resolve, reject) => rmdir(dir, (err) => (err ? reject(err) : resolve())));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    await new Promise<void>((resolve, reject) => rm(dir, { recursive: true, force: true }, (e) => (e ? reject(e) : resolve())));
  }
}
