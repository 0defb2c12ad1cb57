import { execFile } from 'node:child_process';
import { GantryError } from '../core/index.js';
import { parseLsRemote } from './refs.js';

/**
 * The one I/O function of triggers: lists a remote's branches and tags with `git ls-remote`.
 * execFile with an argv (never a shell), `--` before the URL so a URL cannot pass as an option, no
 * credential prompt (a poller has no terminal), and a timeout after which git is killed.
 * Safe to call concurrently for different projects; the caller keeps one poll per project in flight.
 */
export interface LsRemoteOptions {
  /** Kill git and fail after this long (default 30 s). */
  timeoutMs?: number;
  /** Abort the listing (server shutting down). */
  signal?: AbortSignal;
  /** Extra environment for git (e.g. GIT_SSH_COMMAND); the process environment is the base. */
  env?: Readonly<Record<string, string>>;
}

/** The URL without `user:password@`, for messages: clone URLs may carry a token. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@');
}

export function lsRemote(url: string, options: LsRemoteOptions = {}): Promise<Map<string, string>> {
  const timeout = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['ls-remote', '--heads', '--tags', '--', url],
      {
        encoding: 'utf8',
        timeout,
        killSignal: 'SIGKILL',
        maxBuffer: 64 << 20,
        ...(options.signal ? { signal: options.signal } : {}),
        env: { ...process.env, ...options.env, GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never' },
      },
      (err, stdout, stderr) => {
        if (!err) return resolve(parseLsRemote(stdout));
        const timedOut = (err as NodeJS.ErrnoException & { killed?: boolean }).killed === true && !options.signal?.aborted;
        const why = timedOut ? `timed out after ${timeout} ms` : (stderr.trim().split('\n').pop() ?? err.message);
        const shown = redactUrl(url);
        // git echoes the URL (token included) in its errors: scrub it from what we pass on.
        const message = `git ls-remote ${shown}: ${why.split(url).join(shown)}`;
        reject(new GantryError('TRIGGERS_LS_REMOTE_FAILED', message, { details: { url: shown, timedOut } }));
      },
    );
  });
}
