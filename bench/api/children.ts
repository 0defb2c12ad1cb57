import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A plain-JS helper of this benchmark (load generator, baseline server, SSE followers) as its own process. */
export interface Child {
  readonly process: ChildProcess;
  /** Resolves with the first stdout line matching `pattern` (its match). */
  line(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves with the last stdout line, parsed, once the process exited 0. */
  result<T>(): Promise<T>;
  stop(): void;
}

export function startChild(script: string, args: readonly string[]): Child {
  const file = fileURLToPath(new URL(script, import.meta.url));
  const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const listener of [...listeners]) listener();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    process: child,
    line(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(out);
          if (!match) return;
          done();
          resolve(match);
        };
        const timer = setTimeout(() => (done(), reject(new Error(`${script}: no ${pattern} within ${timeoutMs} ms; stderr:\n${err}`))), timeoutMs);
        const done = () => (clearTimeout(timer), listeners.delete(check));
        listeners.add(check);
        void exited.then(() => (done(), reject(new Error(`${script} exited before printing ${pattern}; stderr:\n${err}`))));
        check();
      });
    },
    async result<T>() {
      const code = await exited;
      if (code !== 0) throw new Error(`${script} exited ${code}:\n${err}`);
      return JSON.parse(out.trim().split('\n').at(-1)!) as T;
    },
    stop: () => void child.kill('SIGTERM'),
  };
}
