import { execFile } from 'node:child_process';

/**
 * The one way this folder runs git: execFile with an argv (never a shell), a timeout after which git
 * is killed, no credential prompt, only the transports a clone URL may use, and an environment
 * scrubbed of the variables that point git at another repository (the server may itself run inside
 * a git hook, where GIT_DIR is set). Callers put `--` before refs and paths where git allows it.
 */
export interface GitRunOptions {
  /** Directory git runs in (`-C` semantics through cwd). */
  cwd?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Most bytes of stdout kept; git is killed beyond it. */
  maxBuffer?: number;
}

export interface GitResult {
  stdout: string;
  stderr: string;
}

/** Why a git process failed, for the caller to turn into a GantryError with its own code. */
export class GitProcessError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    readonly timedOut: boolean,
    readonly aborted: boolean,
  ) {
    super(timedOut ? 'timed out' : aborted ? 'aborted' : lastLine(stderr) || `exit code ${exitCode}`);
    this.name = 'GitProcessError';
  }
}

/** Observer for tests and logs: called when a git process starts. */
export type GitObserver = (args: readonly string[]) => void;

/** Transports a configured clone URL may use (`ext::` and friends run commands: never). */
const ALLOWED_PROTOCOLS = 'file:git:http:https:ssh';

/** From `git rev-parse --local-env-vars`, plus hook-time variables: each would redirect git. */
const REPO_LOCATING_VARS = [
  'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_CONFIG', 'GIT_CONFIG_PARAMETERS', 'GIT_CONFIG_COUNT', 'GIT_OBJECT_DIRECTORY',
  'GIT_DIR', 'GIT_WORK_TREE', 'GIT_IMPLICIT_WORK_TREE', 'GIT_GRAFT_FILE', 'GIT_INDEX_FILE', 'GIT_NO_REPLACE_OBJECTS',
  'GIT_REPLACE_REF_BASE', 'GIT_PREFIX', 'GIT_INTERNAL_SUPER_PREFIX', 'GIT_SHALLOW_FILE', 'GIT_COMMON_DIR',
  'GIT_QUARANTINE_PATH', 'GIT_NAMESPACE', 'GIT_CEILING_DIRECTORIES',
];

export function gitEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of REPO_LOCATING_VARS) delete env[name];
  env.GIT_TERMINAL_PROMPT = '0';
  env.GCM_INTERACTIVE = 'never';
  env.GIT_ALLOW_PROTOCOL = ALLOWED_PROTOCOLS;
  // Messages are matched by nobody, but keep them in one language for the people reading details.
  env.LC_ALL = 'C';
  // ssh must not ask for a password or a host-key confirmation: there is no one to answer.
  if (env.GIT_SSH_COMMAND === undefined && env.GIT_SSH === undefined) env.GIT_SSH_COMMAND = 'ssh -o BatchMode=yes';
  return env;
}

export function runGit(args: readonly string[], options: GitRunOptions, observe?: GitObserver): Promise<GitResult> {
  observe?.(args);
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [...args],
      {
        encoding: 'utf8',
        cwd: options.cwd,
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: options.maxBuffer ?? 64 << 20,
        env: gitEnv(),
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (err, stdout, stderr) => {
        if (!err) return resolve({ stdout, stderr });
        const aborted = options.signal?.aborted === true;
        const timedOut = !aborted && (err as { killed?: boolean }).killed === true;
        const code = typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null;
        reject(new GitProcessError(args, code, stderr || err.message, timedOut, aborted));
      },
    );
  });
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter((l) => l.trim() !== '');
  return lines[lines.length - 1]?.trim() ?? '';
}

/**
 * Removes credentials from text before it goes into a message, log or error detail: `user:pass@` and
 * `token@` in URLs anywhere in the text (git echoes the URL it was given in its errors).
 */
export function redactCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
}
