import { realpathSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { GantryError } from '../../core/index.js';
import { EXIT } from '../exit-codes.js';
import { git } from '../git-info.js';
import { HOOK_NAMES, hookScript, installHook, uninstallHooks, type HookName } from '../hook-files.js';

export interface HooksInstallFlags {
  preCommit?: string[];
  prePush?: string[];
  file?: string;
  force?: boolean;
}

/**
 * The gantry entry point that hooks run: this very installation, by absolute path. The command
 * was started as `node <bin> …`, so argv[1] names it (through any npm .bin symlink); this module
 * may be running from the sources or from the bundle in dist/, so its own URL cannot tell.
 */
export function gantryBin(): string {
  return realpathSync(process.argv[1]!);
}

async function hooksDir(): Promise<string> {
  const out = await git(['rev-parse', '--git-path', 'hooks'], process.cwd());
  if (out === undefined) {
    throw new GantryError('HOOKS_NOT_A_REPOSITORY', `${process.cwd()} is not inside a git repository`, {
      details: { hint: 'run `git init` first, or cd into your repository' },
    });
  }
  const dir = out.trim();
  return isAbsolute(dir) ? dir : resolve(process.cwd(), dir);
}

export function hookArgv(jobs: readonly string[], file: string | undefined): string[] {
  const argv = [process.execPath, gantryBin(), 'exec'];
  if (file) argv.push(file);
  for (const job of jobs) argv.push('--job', job);
  return argv;
}

export async function hooksInstallCommand(flags: HooksInstallFlags): Promise<number> {
  const wanted: [HookName, string[]][] = [
    ['pre-commit', flags.preCommit ?? []],
    ['pre-push', flags.prePush ?? []],
  ];
  const selected = wanted.filter(([, jobs]) => jobs.length > 0);
  if (selected.length === 0) throw new GantryError('CONFIG_INVALID', 'name at least one job with --pre-commit JOB or --pre-push JOB');
  const dir = await hooksDir();
  for (const [hook, jobs] of selected) {
    const result = await installHook(dir, hook, hookScript(hook, hookArgv(jobs, flags.file)), flags.force === true);
    const backup = result.backup ? ` (previous hook kept as ${result.backup})` : '';
    process.stdout.write(`installed ${hook}: gantry exec ${jobs.map((j) => `--job ${j}`).join(' ')}${backup}\n`);
  }
  return EXIT.ok;
}

export async function hooksUninstallCommand(): Promise<number> {
  const result = await uninstallHooks(await hooksDir());
  for (const file of result.removed) process.stdout.write(`removed ${file}\n`);
  for (const file of result.restored) process.stdout.write(`restored previous hook ${file}\n`);
  for (const file of result.kept) process.stdout.write(`kept ${file} (not written by gantry)\n`);
  if (result.removed.length === 0) process.stdout.write('no gantry hooks installed\n');
  return EXIT.ok;
}

export { HOOK_NAMES };
