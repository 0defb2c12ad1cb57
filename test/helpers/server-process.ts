// The real `gantry server` process and the real CLI as subprocesses, for process-level tests.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const GANTRY_BIN = fileURLToPath(new URL('../../bin/gantry.js', import.meta.url));

/** The environment without any GANTRY_* of the developer's shell, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('GANTRY_')) env[key] = value;
  return { ...env, ...extra };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `gantry ARGS` to completion (30 s at most) with a clean environment plus `env`; `input` is written to its stdin. */
export function runGantry(args: string[], env: Record<string, string> = {}, input?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [GANTRY_BIN, ...args], { env: cleanEnv(env), timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

export interface ServerProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:PORT`, read from the line the server prints. */
  url: string;
  /** The admin token printed at first start ('' when GANTRY_ADMIN_TOKEN was given). */
  token: string;
  /** Everything the server wrote so far. */
  stdout(): string;
  stderr(): string;
}

/**
 * Starts `gantry server --listen 127.0.0.1:0 --data-dir DIR ARGS` and waits for its URL. `wrap` is a
 * command the server is started through (it must exec its arguments), e.g. `unshare` for a test disk.
 */
export function startServerProcess(dataDir: string, options: { env?: Record<string, string>; args?: string[]; wrap?: string[] } = {}): Promise<ServerProcess> {
  const argv = [process.execPath, GANTRY_BIN, 'server', '--listen', '127.0.0.1:0', '--data-dir', dataDir, ...(options.args ?? [])];
  const [command, ...args] = [...(options.wrap ?? []), ...argv] as [string, ...string[]];
  const child = spawn(command, args, {
    env: cleanEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${stderr}`)), 30_000);
    const onExit = (code: number | null) => reject(new Error(`server exited ${code}:\n${stderr}`));
    child.once('exit', onExit);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const listening = /gantry server listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stderr);
      if (!listening) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve({
        child,
        url: listening[1]!,
        token: /^\s+(gantry_[A-Za-z0-9_-]+)$/m.exec(stderr)?.[1] ?? '',
        stdout: () => stdout,
        stderr: () => stderr,
      });
    });
  });
}

export interface ApiAnswer {
  status: number;
  json: unknown;
}

/** `fetch` of `URL/api/v1PATH` with the token; a JSON body when `body` is given. */
export function serverApi(url: string, token: string): (method: string, path: string, body?: unknown) => Promise<ApiAnswer> {
  return async (method, path, body) => {
    const response = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: await response.json().catch(() => undefined) };
  };
}

/** Sends `signal` to the server process and resolves with its exit code (null: killed by a signal). */
export function signalServer(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
  child.kill(signal);
  return exited;
}
