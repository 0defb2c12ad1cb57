import type { PullPolicy } from '../pipeline/index.js';
import type { ServiceSpec } from './docker/services.js';

/**
 * A Backend runs one step's process for an agent. Implementations: `LocalBackend` (host processes)
 * and `DockerBackend` (steps exec'd in a job container through the Docker Engine API).
 *
 * Call order: `prepare` once per job attempt before its first step, then — for a job with an image
 * — `start` once, then `exec` for each step in order (never two at once for the same workspace),
 * then `cleanup` once, even after failure, cancel, or a `prepare`/`start` that failed half-way.
 * Jobs are independent: one backend serves many workspaces at once.
 * Cancellation: when `signal` aborts, `exec` stops the step's processes (TERM, then KILL after
 * `killGraceMs`) and resolves with `canceled: true`; `timeoutMs` does the same and resolves with
 * `timedOut: true`. `exec` rejects only when the process could not be started at all.
 * Output: chunks are delivered as they arrive, stdout and stderr apart, unmasked; the caller masks.
 */
export interface Backend {
  readonly name: string;
  prepare(job: BackendJob): Promise<Workspace>;
  /**
   * Starts what the job's steps run in: pulls the image, starts the services and the job container.
   * Only backends that run containers have it. Rejects (with a GantryError saying why) when the
   * container cannot run; `cleanup` still removes whatever was started.
   */
  start?(workspace: Workspace, container: JobContainer): Promise<void>;
  exec(request: ExecRequest, onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): Promise<ExecResult>;
  cleanup(workspace: Workspace): Promise<void>;
}

export interface BackendJob {
  /** Plan job id, for naming and labelling. */
  jobId: string;
  /** Directory with the source checkout, or undefined for `checkout: false` (empty workspace). */
  sourceDir?: string;
}

export interface Workspace {
  /** Where steps run by default (on the host). */
  dir: string;
  /** A private directory for Gantry's own files (step output/env files, scripts), on the host. */
  tempDir: string;
  /** Removes this workspace's own files on cleanup (never the user's checkout). */
  owned: boolean;
  /**
   * The same two directories as the step's processes see them, when they run somewhere else (in a
   * container: fixed paths where they are mounted). Undefined: steps run on the host, and see `dir`
   * and `tempDir` themselves.
   */
  guest?: { dir: string; tempDir: string };
}

/** Registry login, already evaluated: a secret, never logged. */
export interface RegistryCredentials {
  username: string;
  password: string;
}

/** A job's `image:` (and `services:`), with every template evaluated, as `Backend.start` takes it. */
export interface JobContainer {
  image: string;
  pull: PullPolicy;
  credentials?: RegistryCredentials;
  /** `uid`, `uid:gid` or a user name of the image; default: the image's user. */
  user?: string;
  privileged: boolean;
  cpus?: number;
  memoryBytes?: number;
  services: ServiceSpec[];
  /** Aborts the pulls and the wait for services (job cancel or timeout). */
  signal: AbortSignal;
  /** Progress lines for the job log (pulls, services), unmasked: the caller masks. */
  onLine(line: string): void;
}

export interface ExecRequest {
  workspace: Workspace;
  /** argv; the first element is the program. Paths in it are the ones the process sees. */
  argv: string[];
  /** The whole environment of the process (containers do not inherit the agent's). */
  env: Record<string, string>;
  /** As the process sees it. */
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

/** What steps see of a workspace: the guest view when they run elsewhere, else the host paths. */
export function guestView(workspace: Workspace): { dir: string; tempDir: string } {
  return workspace.guest ?? { dir: workspace.dir, tempDir: workspace.tempDir };
}
