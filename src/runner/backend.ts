/**
 * A Backend runs one step's process for an agent. Implementations: `LocalBackend` (host processes)
 * now; docker and kubernetes later.
 *
 * Call order: `prepare` once per job attempt before its first step, then `exec` for each step in
 * order (never two at once for the same workspace), then `cleanup` once, even after failure or
 * cancel. Cancellation: when `signal` aborts, `exec` stops the whole process tree (TERM, then KILL
 * after `killGraceMs`) and resolves with `canceled: true`; `timeoutMs` does the same and resolves
 * with `timedOut: true`. `exec` rejects only when the process could not be started at all.
 * Output: chunks are delivered as they arrive, unmasked; the caller masks them.
 */
export interface Backend {
  readonly name: string;
  prepare(job: BackendJob): Promise<Workspace>;
  exec(request: ExecRequest, onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): Promise<ExecResult>;
  cleanup(workspace: Workspace): Promise<void>;
}

export interface BackendJob {
  /** Plan job id, for naming and labelling. */
  jobId: string;
  /** Directory with the source checkout, or undefined for `checkout: false` (empty workspace). */
  sourceDir?: string;
  image?: string;
}

export interface Workspace {
  /** Where steps run by default. */
  dir: string;
  /** A private directory for Gantry's own files (step output/env files, scripts). */
  tempDir: string;
  /** Removes this workspace's own files on cleanup (never the user's checkout). */
  owned: boolean;
}

export interface ExecRequest {
  workspace: Workspace;
  /** argv; the first element is the program. */
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  timeoutMs?: number;
  killGraceMs?: number;
  signal: AbortSignal;
}

export interface ExecResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  canceled: boolean;
  durationMs: number;
}
