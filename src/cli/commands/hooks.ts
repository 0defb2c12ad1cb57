import { randomBytes, randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GantryError } from '../../core/index.js';
import { genericDelivery, parsePostReceiveInput, type GenericRefUpdate, type GenericRequest } from '../../triggers/index.js';
import { EXIT } from '../exit-codes.js';
import { git } from '../git-info.js';
import {
  HOOK_NAMES,
  SECRET_FILE_NAME,
  hookScript,
  installHook,
  postReceiveScript,
  readSecretFile,
  uninstallHooks,
  writeSecretFile,
  type HookName,
} from '../hook-files.js';

export interface HooksInstallFlags {
  preCommit?: string[];
  prePush?: string[];
  file?: string;
  force?: boolean;
  postReceive?: boolean;
  server?: string;
  project?: string;
  secret?: string;
  repo?: string;
}

/**
 * The gantry entry point that hooks run: this very installation, by absolute path. The command
 * was started as `node <bin> …`, so argv[1] names it (through any npm .bin symlink); this module
 * may be running from the sources or from the bundle in dist/, so its own URL cannot tell.
 */
export function gantryBin(): string {
  return realpathSync(process.argv[1]!);
}

async function hooksDir(cwd: string = process.cwd()): Promise<string> {
  // --git-path honours core.hooksPath, so hooks land where git will run them.
  const out = await git(['rev-parse', '--git-path', 'hooks'], cwd);
  if (out === undefined) {
    throw new GantryError('HOOKS_NOT_A_REPOSITORY', `${cwd} is not inside a git repository`, {
      details: { hint: 'run `git init` first, or cd into your repository' },
    });
  }
  const dir = out.trim();
  return isAbsolute(dir) ? dir : resolve(cwd, dir);
}

export function hookArgv(jobs: readonly string[], file: string | undefined): string[] {
  const argv = [process.execPath, gantryBin(), 'exec'];
  if (file) argv.push(file);
  for (const job of jobs) argv.push('--job', job);
  return argv;
}

export async function hooksInstallCommand(flags: HooksInstallFlags): Promise<number> {
  if (flags.postReceive) {
    if (flags.preCommit?.length || flags.prePush?.length) {
      throw new GantryError('CONFIG_INVALID', '--post-receive goes into the bare repository you push to; install --pre-commit/--pre-push in a working clone separately');
    }
    return installPostReceive(flags);
  }
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

export async function hooksUninstallCommand(flags: { repo?: string } = {}): Promise<number> {
  const result = await uninstallHooks(await hooksDir(resolve(flags.repo ?? '.')));
  for (const file of result.removed) process.stdout.write(`removed ${file}\n`);
  for (const file of result.restored) process.stdout.write(`restored previous hook ${file}\n`);
  for (const file of result.kept) process.stdout.write(`kept ${file} (not written by gantry)\n`);
  if (result.removed.length === 0) process.stdout.write('no gantry hooks installed\n');
  return EXIT.ok;
}

/** http(s) base URL of the server, without a trailing slash; anything else is a usage error. */
export function serverUrl(raw: string | undefined): string {
  if (!raw) throw new GantryError('CONFIG_INVALID', 'name the Gantry server with --server URL (e.g. http://ci.example.com:8080)');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new GantryError('CONFIG_INVALID', `--server ${raw} is not a URL`, { details: { hint: 'e.g. http://127.0.0.1:8080' } });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new GantryError('CONFIG_INVALID', `--server must be http:// or https://, not ${url.protocol}`);
  return url.href.replace(/\/+$/, '');
}

async function bareHooksDir(repo: string): Promise<string> {
  const bare = await git(['rev-parse', '--is-bare-repository'], repo);
  if (bare === undefined) {
    throw new GantryError('HOOKS_NOT_A_REPOSITORY', `${repo} is not a git repository`, { details: { hint: 'pass the bare repository with --repo DIR' } });
  }
  if (bare.trim() !== 'true') {
    throw new GantryError('HOOKS_NOT_BARE', `${repo} is not a bare repository; a post-receive hook belongs in the repository people push to`, {
      details: { hint: 'create one with `git init --bare site.git` (or `git clone --bare`), then run this with --repo site.git' },
    });
  }
  return hooksDir(repo);
}

async function installPostReceive(flags: HooksInstallFlags): Promise<number> {
  const server = serverUrl(flags.server);
  if (!flags.project) throw new GantryError('CONFIG_INVALID', 'name the project with --project NAME (as registered with `gantry project add`)');
  const dir = await bareHooksDir(resolve(flags.repo ?? '.'));
  const secretPath = join(dir, SECRET_FILE_NAME);
  let secret = flags.secret;
  let generated = false;
  if (!secret) secret = await readSecretFile(secretPath).catch(() => undefined);
  if (!secret) {
    secret = randomBytes(32).toString('hex');
    generated = true;
  }
  await writeSecretFile(dir, secret);
  const argv = [process.execPath, gantryBin(), 'hooks', 'notify', '--server', server, '--project', flags.project, '--secret-file', secretPath];
  const result = await installHook(dir, 'post-receive', postReceiveScript(argv), flags.force === true);
  const backup = result.backup ? ` (previous hook kept as ${result.backup})` : '';
  process.stdout.write(`installed post-receive: every push is sent to ${server}/hooks/generic/${flags.project}${backup}\n`);
  process.stdout.write(`secret kept in ${secretPath} (mode 0600)\n`);
  if (generated) {
    // Printed once, on the installer's own terminal: the server needs the same secret for the project.
    process.stdout.write(`generated webhook secret: ${secret}\n  give the project the same secret, e.g. gantry project add ${flags.project} --repo <url> --secret <that secret>\n`);
  }
  return EXIT.ok;
}

export interface HooksNotifyFlags {
  server?: string;
  project?: string;
  secretFile?: string;
  repository?: string;
}

/**
 * How hard notify tries. A push waits for its post-receive hook, so the whole thing is bounded by
 * `deadlineMs`; once the server proves unreachable, the remaining refs are not tried at all.
 */
export interface NotifyPolicy {
  attempts: number;
  backoffMs: readonly number[];
  timeoutMs: number;
  deadlineMs: number;
}

export const NOTIFY_POLICY: NotifyPolicy = { attempts: 4, backoffMs: [200, 800, 2000], timeoutMs: 5000, deadlineMs: 20_000 };

type Outcome = { kind: 'accepted'; status: number; text: string } | { kind: 'rejected'; status: number; text: string } | { kind: 'unreachable'; why: string };

async function postOnce(url: string, req: GenericRequest, timeoutMs: number): Promise<Outcome & { retry: boolean }> {
  try {
    const res = await fetch(url, { method: 'POST', headers: req.headers, body: req.body, signal: AbortSignal.timeout(timeoutMs) });
    const text = (await res.text()).slice(0, 300);
    if (res.ok) return { kind: 'accepted', status: res.status, text, retry: false };
    const retry = res.status >= 500 || res.status === 429;
    if (retry) return { kind: 'unreachable', why: `HTTP ${res.status} ${text}`.trim(), retry };
    return { kind: 'rejected', status: res.status, text, retry };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return { kind: 'unreachable', why: cause?.code ?? (err as Error).message, retry: true };
  }
}

/** One delivery, retried on connection errors and 5xx with the SAME delivery id, so the server dedupes. */
async function deliver(url: string, req: GenericRequest, policy: NotifyPolicy, deadline: number): Promise<Outcome> {
  let outcome: Outcome & { retry: boolean } = { kind: 'unreachable', why: 'not tried', retry: true };
  for (let attempt = 0; attempt < policy.attempts; attempt++) {
    if (attempt > 0) {
      const wait = policy.backoffMs[Math.min(attempt - 1, policy.backoffMs.length - 1)] ?? 0;
      if (Date.now() + wait >= deadline) break;
      await sleep(wait);
    }
    outcome = await postOnce(url, req, Math.max(1, Math.min(policy.timeoutMs, deadline - Date.now())));
    if (!outcome.retry) break;
  }
  return outcome;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('gantry: reading "<old-sha> <new-sha> <ref>" lines from stdin, as git gives them to post-receive (Ctrl-D ends)\n');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const short = (sha: string) => sha.slice(0, 7);

/**
 * `gantry hooks notify`: run by the post-receive hook. Sends one signed generic delivery per pushed
 * ref to `<server>/hooks/generic/<project>`. It ALWAYS exits 0: a push has already happened when this
 * runs, and a CI outage must not look like a failed push. Problems go to stderr.
 */
export async function hooksNotifyCommand(flags: HooksNotifyFlags, policy: NotifyPolicy = NOTIFY_POLICY): Promise<number> {
  try {
    const server = serverUrl(flags.server);
    if (!flags.project) throw new GantryError('CONFIG_INVALID', 'name the project with --project NAME');
    const secret = flags.secretFile ? await readSecretFile(flags.secretFile) : process.env.GANTRY_WEBHOOK_SECRET;
    if (!secret) throw new GantryError('CONFIG_INVALID', 'give the webhook secret with --secret-file FILE (or GANTRY_WEBHOOK_SECRET)');
    const updates = parsePostReceiveInput(await readStdin());
    // In a bare repository's hook the working directory is the repository itself (site.git → site).
    const repository = flags.repository ?? basename(process.cwd()).replace(/\.git$/, '');
    await notifyAll(`${server}/hooks/generic/${encodeURIComponent(flags.project)}`, updates, { secret, repository }, policy);
  } catch (err) {
    process.stderr.write(`gantry: could not notify the server: ${(err as Error).message}\n`);
  }
  return EXIT.ok;
}

async function notifyAll(url: string, updates: readonly GenericRefUpdate[], ctx: { secret: string; repository: string }, policy: NotifyPolicy): Promise<void> {
  const deadline = Date.now() + policy.deadlineMs;
  const skipped: string[] = [];
  let down: string | undefined;
  for (const update of updates) {
    if (down !== undefined || Date.now() >= deadline) {
      skipped.push(update.ref);
      continue;
    }
    const req = genericDelivery({ ...update, repository: ctx.repository }, ctx.secret, randomUUID());
    const outcome = await deliver(url, req, policy, deadline);
    const what = `${update.ref} ${short(update.before)}..${short(update.after)}`;
    if (outcome.kind === 'accepted') process.stdout.write(`gantry: notified ${url} of ${what} (HTTP ${outcome.status})\n`);
    else if (outcome.kind === 'rejected') process.stderr.write(`gantry: ${url} refused ${what}: HTTP ${outcome.status} ${outcome.text}\n`);
    else {
      down = outcome.why;
      skipped.push(update.ref);
    }
  }
  if (skipped.length > 0) {
    process.stderr.write(`gantry: could not reach ${url} (${down ?? 'out of time'}); not sent: ${skipped.join(', ')}. The server's polling will pick these up.\n`);
  }
}

export { HOOK_NAMES };
