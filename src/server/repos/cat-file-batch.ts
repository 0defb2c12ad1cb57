import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { gitEnv, GitProcessError, type GitObserver } from './git-command.js';

/**
 * One long-lived `git cat-file --batch-command` per mirror: object existence, ref peeling, blob and
 * commit reads answered over a pipe instead of a git process per question (a process costs 4–5 ms
 * on the server; a pipe round trip well under 1 ms).
 *
 * Call order: any number of `info`/`contents` calls, answered in order; `close` at any time (answers
 * already asked for still arrive: stdin is ended, git finishes the queue and exits). After `close`
 * every call rejects; the owner makes a new reader. Concurrency: calls may overlap freely (one pipe,
 * FIFO answers). The process ends by itself after `idleMs` without questions, and it never keeps the
 * Node process alive while idle. A question unanswered after `timeoutMs` kills the process and
 * rejects every waiting call with a timed-out GitProcessError; so does an unparseable answer.
 * Names are passed to git as given: the caller validates them (no newline, no NUL — rejected here).
 */
export interface CatFileBatch {
  /** Type and id of the object a name resolves to; undefined when missing (or ambiguous). */
  info(name: string): Promise<ObjectInfo | undefined>;
  /** The object's raw bytes too; undefined when missing. */
  contents(name: string): Promise<(ObjectInfo & { body: Buffer }) | undefined>;
  close(): void;
  readonly closed: boolean;
  /** The git process (tests check that it ends). */
  readonly pid: number | undefined;
}

export interface ObjectInfo {
  oid: string;
  type: string;
  size: number;
}

export interface CatFileBatchOptions {
  /** The repository (a bare mirror). */
  cwd: string;
  timeoutMs: number;
  /** End the process after this long without questions (default 2 s: a burst of triggers shares one
   *  reader; an idle server keeps no git process around). */
  idleMs?: number;
  onGit?: GitObserver;
}

interface Waiting {
  kind: 'info' | 'contents';
  resolve: (value: (ObjectInfo & { body?: Buffer }) | undefined) => void;
  reject: (err: Error) => void;
}

const HEADER = /^([0-9a-f]{40}|[0-9a-f]{64}) ([a-z]+) (\d+)$/;
export const BATCH_ARGS = ['cat-file', '--batch-command'] as const;

export function createCatFileBatch(options: CatFileBatchOptions): CatFileBatch {
  const idleMs = options.idleMs ?? 2_000;
  options.onGit?.(BATCH_ARGS);
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn('git', [...BATCH_ARGS], {
    cwd: options.cwd,
    env: gitEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const waiting: Waiting[] = [];
  let buffer: Buffer = Buffer.alloc(0);
  let stderr = '';
  let closed = false;
  let idleTimer: NodeJS.Timeout | undefined;
  let answerTimer: NodeJS.Timeout | undefined;

  const fail = (err: Error): void => {
    closed = true;
    clearTimeout(idleTimer);
    clearTimeout(answerTimer);
    for (const w of waiting.splice(0)) w.reject(err);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const processError = (why: { timedOut?: boolean; code?: number | null; message?: string }): GitProcessError =>
    new GitProcessError(BATCH_ARGS, why.code ?? null, why.message ?? stderr, why.timedOut === true, false);

  // Held (ref'd) only while questions wait, so an idle reader never keeps Node running.
  const hold = (on: boolean): void => {
    for (const h of [child, child.stdin, child.stdout, child.stderr] as { ref?: () => void; unref?: () => void }[]) {
      if (on) h.ref?.();
      else h.unref?.();
    }
  };
  const armTimers = (): void => {
    clearTimeout(answerTimer);
    clearTimeout(idleTimer);
    if (waiting.length > 0) {
      answerTimer = setTimeout(() => fail(processError({ timedOut: true, message: 'timed out' })), options.timeoutMs);
      hold(true);
    } else {
      hold(false);
      idleTimer = setTimeout(() => close(), idleMs);
      idleTimer.unref();
    }
  };

  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  child.on('error', (err) => fail(processError({ message: err.message })));
  // 'close', not 'exit': answers still in the stdout pipe at exit are read first.
  child.on('close', (code) => {
    if (waiting.length > 0) fail(processError({ code }));
    closed = true;
    clearTimeout(idleTimer);
  });
  child.stdin.on('error', () => undefined); // EPIPE after git died: reported through 'exit'.
  child.stdout.on('data', (chunk: Buffer) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    drain();
  });

  function drain(): void {
    for (;;) {
      const w = waiting[0];
      if (!w) return;
      const nl = buffer.indexOf(10);
      if (nl < 0) return;
      const header = buffer.subarray(0, nl).toString('utf8');
      if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
        buffer = buffer.subarray(nl + 1);
        waiting.shift();
        w.resolve(undefined);
      } else {
        const m = HEADER.exec(header);
        if (!m) return fail(processError({ message: `unexpected answer from git cat-file: ${header.slice(0, 200)}` }));
        const info: ObjectInfo = { oid: m[1]!, type: m[2]!, size: Number(m[3]) };
        if (w.kind === 'info') {
          buffer = buffer.subarray(nl + 1);
          waiting.shift();
          w.resolve(info);
        } else {
          const end = nl + 1 + info.size;
          if (buffer.length < end + 1) return; // body and its trailing newline not all here yet
          const body = Buffer.from(buffer.subarray(nl + 1, end));
          buffer = buffer.subarray(end + 1);
          waiting.shift();
          w.resolve({ ...info, body });
        }
      }
      armTimers();
    }
  }

  function ask(kind: 'info' | 'contents', name: string): Promise<(ObjectInfo & { body?: Buffer }) | undefined> {
    if (closed) return Promise.reject(processError({ message: 'cat-file reader closed' }));
    if (/[\n\r\0]/.test(name)) return Promise.reject(new Error('object name with a line break or NUL'));
    return new Promise((resolve, reject) => {
      waiting.push({ kind, resolve, reject });
      child.stdin.write(`${kind} ${name}\n`);
      if (waiting.length === 1) armTimers();
    });
  }

  function close(): void {
    if (closed) return;
    closed = true;
    clearTimeout(idleTimer);
    child.stdin.end();
    if (waiting.length === 0) hold(false);
  }

  armTimers();
  return {
    info: (name) => ask('info', name) as Promise<ObjectInfo | undefined>,
    contents: (name) => ask('contents', name) as Promise<(ObjectInfo & { body: Buffer }) | undefined>,
    close,
    get closed() {
      return closed;
    },
    pid: child.pid,
  };
}
