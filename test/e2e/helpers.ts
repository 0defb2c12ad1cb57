import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** End-to-end helpers: real git repositories in temp dirs and `bin/gantry.js` as a real process. */
export const GANTRY_BIN = fileURLToPath(new URL('../../bin/gantry.js', import.meta.url));

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'E2E',
  GIT_AUTHOR_EMAIL: 'e2e@example.com',
  GIT_COMMITTER_NAME: 'E2E',
  GIT_COMMITTER_EMAIL: 'e2e@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};

export function git(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh repository on branch main with the given files committed. */
export function makeRepo(files: Record<string, string>, options: { commit?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-e2e-'));
  git(dir, 'init', '-q', '-b', 'main');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  if (options.commit !== false) {
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'initial');
  }
  return dir;
}

export interface GantryResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface GantryOptions {
  cwd: string;
  env?: Record<string, string>;
  /** Called once the process has started (e.g. to send it signals). */
  onSpawn?: (child: ChildProcess) => void;
  timeoutMs?: number;
}

/** Runs `node bin/gantry.js ...args` without a TTY (plain line output) and collects its output. */
export function runGantry(args: string[], options: GantryOptions): Promise<GantryResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [GANTRY_BIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...GIT_ENV, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gantry ${args.join(' ')} timed out\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    options.onSpawn?.(child);
  });
}

export { isGone } from '../../src/runner/testing/process-probe.js';

export async function waitFor<T>(probe: () => T | undefined, withinMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function readPids(file: string): number[] {
  return readFileSync(file, 'utf8')
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
}

export function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Parses NDJSON output; throws on any line that is not JSON. */
export function parseNdjson(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
