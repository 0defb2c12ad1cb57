import { chmod, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GantryError } from '../core/index.js';

/**
 * Git hook files that run `gantry exec`. Every file Gantry writes carries MARKER, so uninstall can
 * tell ours from a hook someone else wrote; a foreign hook is replaced only with `force`, and then
 * kept as `<hook>.pre-gantry` and restored on uninstall.
 */
export const MARKER = '# gantry-managed-hook';
export const BACKUP_SUFFIX = '.pre-gantry';
export const HOOK_NAMES = ['pre-commit', 'pre-push'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** POSIX shell single-quoting: the only safe way to put arbitrary text into a script. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function hookScript(hook: HookName, argv: readonly string[]): string {
  return [
    '#!/bin/sh',
    MARKER,
    `# Written by \`gantry hooks install\`; \`gantry hooks uninstall\` removes it.`,
    `# Runs the listed jobs before ${hook === 'pre-commit' ? 'each commit' : 'each push'}; a failing job blocks it.`,
    `exec ${argv.map(shellQuote).join(' ')}`,
    '',
  ].join('\n');
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

export interface InstallResult {
  hook: HookName;
  file: string;
  backup?: string;
}

export async function installHook(hooksDir: string, hook: HookName, script: string, force: boolean): Promise<InstallResult> {
  const file = join(hooksDir, hook);
  const current = await readIfExists(file);
  const result: InstallResult = { hook, file };
  if (current !== undefined && !current.includes(MARKER)) {
    if (!force) {
      throw new GantryError('HOOKS_FOREIGN_HOOK', `${file} exists and was not written by gantry; use --force to replace it (a backup is kept as ${hook}${BACKUP_SUFFIX})`, {
        details: { file },
      });
    }
    result.backup = file + BACKUP_SUFFIX;
    await rename(file, result.backup);
  }
  await writeFile(file, script, { mode: 0o755 });
  await chmod(file, 0o755);
  return result;
}

export interface UninstallResult {
  removed: string[];
  restored: string[];
  kept: string[];
}

/** Removes only files with MARKER, restoring `.pre-gantry` backups; foreign hooks stay as they are. */
export async function uninstallHooks(hooksDir: string): Promise<UninstallResult> {
  const result: UninstallResult = { removed: [], restored: [], kept: [] };
  let names: string[];
  try {
    names = await readdir(hooksDir);
  } catch {
    return result;
  }
  for (const name of names) {
    if (name.endsWith(BACKUP_SUFFIX) || name.endsWith('.sample')) continue;
    const file = join(hooksDir, name);
    const text = await readIfExists(file).catch(() => undefined);
    if (text === undefined) continue;
    if (!text.includes(MARKER)) {
      result.kept.push(file);
      continue;
    }
    await rm(file);
    result.removed.push(file);
    if (await exists(file + BACKUP_SUFFIX)) {
      await rename(file + BACKUP_SUFFIX, file);
      result.restored.push(file);
    }
  }
  return result;
}
