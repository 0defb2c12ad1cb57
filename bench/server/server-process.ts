import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const LAUNCH = fileURLToPath(new URL('./launch.mjs', import.meta.url));
const PACKAGE_JSON = fileURLToPath(new URL('../../package.json', import.meta.url));
export const TOKEN = 'gantry_bench-server-token-0123456789abcdef';

export interface ServerProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

/** `gantry server` from `bundle` as its own process on 127.0.0.1:0, logs at warn, a known admin token. */
export async function startServerProcess(bundle: string, dataDir: string, capacity: number, extraArgs: readonly string[] = []): Promise<ServerProcess> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GANTRY_')) env[k] = v;
  Object.assign(env, { GANTRY_ADMIN_TOKEN: TOKEN, GANTRY_LOG_LEVEL: 'warn', GANTRY_LOG_FORMAT: 'json', GANTRY_SHUTDOWN_GRACE: '1s' });
  // The node flags `npm start` gives the server (package.json), plus GANTRY_BENCH_NODE_OPTIONS for
  // experiments, e.g. `--cpu-prof --cpu-prof-dir=.tmp/prof`.
  const nodeFlags = [...startFlags(), ...(process.env.GANTRY_BENCH_NODE_OPTIONS ?? '').split(' ').filter(Boolean)];
  const child = spawn(process.execPath, [...nodeFlags, LAUNCH, bundle, 'server', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--agent-capacity', String(capacity), ...extraArgs], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s (a loaded machine can take that long):\n${stderr}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`server exited ${code}:\n${stderr}`)));
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const m = /gantry server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return { url, pid: child.pid!, child, stderr: () => stderr, stop };
}

/** The node flags of package.json's `start` script (`node FLAGS… bin/gantry.js server`). */
export function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.split(/\s+/);
  return words.slice(1, words.indexOf('bin/gantry.js')).filter((w) => w.startsWith('--'));
}

/** A tiny JSON client over fetch (keep-alive), with the admin token. */
export function apiClient(base: string) {
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  };
  return { call };
}

/** VmRSS of a process in KiB (0 when it is gone). */
export function rssKib(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Every descendant pid of `pid`, from /proc/<pid>/task/<tid>/children. */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  const visit = (p: number) => {
    const read = (fn: () => string): string => {
      try {
        return fn();
      } catch {
        return ''; // the process ended meanwhile
      }
    };
    const tasks = read(() => readdirSync(`/proc/${p}/task`).join(' ')).split(' ').filter(Boolean);
    for (const tid of tasks) {
      const children = read(() => readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8'));
      for (const c of children.trim().split(/\s+/).filter(Boolean).map(Number)) {
        out.push(c);
        visit(c);
      }
    }
  };
  visit(pid);
  return out;
}

export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).map((a) => a.split('/').pop()).join(' ');
  } catch {
    return '?';
  }
}
