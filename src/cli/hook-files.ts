import { chmod, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GantryError } from '../core/index.js';

/**
 * Git hook files written by Gantry: `pre-commit`/`pre-push` that run `gantry exec`, and a server-side
 * `post-receive` that notifies a Gantry server. Every file Gantry writes carries MARKER, so uninstall can
 * tell ours from a hook someone else wrote; a foreign hook is replaced only with `force`, and then
 * kept as `<hook>.pre-gantry` and restored on uninstall.
 */
export const MARKER = '# gantry-managed-hook';
export const BACKUP_SUFFIX = '.pre-gantry';
export const HOOK_NAMES = ['pre-commit', 'pre-push'] as const;
export type HookName = (typeof HOOK_NAMES)[number];
/** Hooks for the server side of a push: they live in a bare repository. */
export type ServerHookName = 'post-receive';
/** The webhook secret a post-receive hook signs with, kept beside it (0600), never in the script. */
export const SECRET_FILE_NAME = 'gantry-secret';

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

/**
 * The post-receive hook: git passes it the pushed refs on stdin, which `exec` hands on to
 * `gantry hooks notify`. Git has already updated the refs when it runs, so it cannot fail a push;
 * notify still exits 0 and only reports problems on stderr (shown to the pusher as `remote:` lines).
 */
export function postReceiveScript(argv: readonly string[]): string {
  return [
    '#!/bin/sh',
    MARKER,
    '# Written by `gantry hooks install --post-receive`; `gantry hooks uninstall` removes it.',
    '# Tells the Gantry server about every pushed ref (signed with the secret in gantry-secret).',
    '# It never blocks or fails a push; when the server is down, its polling catches up later.',
    `exec ${argv.map(shellQuote).join(' ')}`,
    '',
  ].join('\n');
}

/** Writes the secret file readable by its owner only; written aside and renamed, so it is never briefly wider. */
export async function writeSecretFile(hooksDir: string, secret: string): Promise<string> {
  const file = join(hooksDir, SECRET_FILE_NAME);
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${secret}\n`, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, file);
  return file;
}

export async function readSecretFile(file: string): Promise<string> {
  const secret = (await readFile(file, 'utf8')).trim();
  if (secret === '') throw new GantryError('CONFIG_INVALID', `${file} is empty; it should hold the project's webhook secret`, { details: { file } });
  return secret;
}

export interface InstallResult {
  hook: HookName | ServerHookName;
  file: string;
  backup?: string;
}

export async function installHook(hooksDir: string, hook: HookName | ServerHookName, script: string, force: boolean): Promise<InstallResult> {
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

/** Removes only files with MARKER (and the post-receive secret file), restoring `.pre-gantry` backups; foreign hooks stay as they are. */
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
    if (name === SECRET_FILE_NAME) {
      // Ours (written by install --post-receive), though it carries no marker: it holds only a secret.
      await rm(file, { force: true });
      result.removed.push(file);
      continue;
    }
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
