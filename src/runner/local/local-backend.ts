import { mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GantryError } from '../../core/index.js';
import type { Backend, BackendJob, ExecRequest, ExecResult, Workspace } from '../backend.js';
import { execInProcessGroup, killAllGroups } from './process-group.js';
import { SpawnerPool } from './spawner/spawner.js';

export interface LocalBackendOptions {
  /** Parent directory for workspaces and Gantry's temp dirs (default: the OS temp dir). */
  tempRoot?: string;
  /** How many lean spawner processes start steps (default 2; see SpawnerPool). */
  spawners?: number;
}

/**
 * Runs steps as host processes. Call order and cancellation as documented on `Backend`.
 *
 * Workspace: with a source dir (`checkout: true`) steps run right in it — for `gantry exec` that is
 * the developer's own checkout, which is never deleted; without one (`checkout: false`) they run in
 * a fresh empty temp dir that `cleanup` removes. Either way Gantry's own files (scripts, output and
 * env files) live in a private temp dir, removed by `cleanup`.
 *
 * The private dirs sit under one root per backend, made on first use and removed by `close`. File
 * work here is synchronous on purpose: a few tiny local files per job, where thread-pool round trips
 * would add latency to every job of a DAG (measured by `npm run bench:exec`).
 *
 * Processes: each step runs in its own process group; on timeout/cancel the whole group gets TERM
 * then KILL, and when a step ends normally anything it left running in the background is KILLed, so
 * background processes never outlive their step (start a server and its client in one step).
 */
export class LocalBackend implements Backend {
  readonly name = 'local';
  readonly #tempRoot: string;
  readonly #pool: SpawnerPool;
  /** Process groups of steps still running, for killAll. */
  readonly #live = new Set<number>();
  #root: string | undefined;
  #jobs = 0;

  constructor(options: LocalBackendOptions = {}) {
    this.#tempRoot = options.tempRoot ?? tmpdir();
    this.#pool = new SpawnerPool(options.spawners ?? 2);
  }

  #ownRoot(): string {
    this.#root ??= mkdtempSync(join(this.#tempRoot, 'gantry-'));
    return this.#root;
  }

  async prepare(job: BackendJob): Promise<Workspace> {
    const label = `${++this.#jobs}-${job.jobId.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 40)}`;
    let tempDir: string | undefined;
    try {
      tempDir = join(this.#ownRoot(), `${label}.tmp`);
      mkdirSync(tempDir);
      if (job.sourceDir !== undefined) return { dir: job.sourceDir, tempDir, owned: false };
      const dir = join(this.#ownRoot(), `${label}.ws`);
      mkdirSync(dir);
      return { dir, tempDir, owned: true };
    } catch (err) {
      if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
      throw new GantryError('RUNNER_WORKSPACE', `cannot create a workspace under ${this.#tempRoot}: ${String(err)}`, {
        cause: err,
      });
    }
  }

  exec(request: ExecRequest, onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): Promise<ExecResult> {
    return execInProcessGroup(this.#pool, this.#live, request, onOutput);
  }

  /** Boots the spawner processes ahead of the first step (optional; they start lazily otherwise). */
  warm(): void {
    this.#pool.warm();
  }

  /** A forced stop (second Ctrl-C): SIGKILL every step process group now, synchronously. */
  killAll(): void {
    killAllGroups(this.#live);
  }

  async cleanup(workspace: Workspace): Promise<void> {
    removeFlatDir(workspace.tempDir);
    if (workspace.owned) rmSync(workspace.dir, { recursive: true, force: true });
  }

  /** Ends the spawner processes and removes the backend's own temp root; once no job is running. */
  async close(): Promise<void> {
    this.#pool.close();
    if (this.#root !== undefined) rmSync(this.#root, { recursive: true, force: true });
    this.#root = undefined;
  }
}

/** Gantry's temp dirs are usually flat (a script per step): unlink + rmdir beats a recursive rm. */
function removeFlatDir(dir: string): void {
  try {
    for (const name of readdirSync(dir)) unlinkSync(join(dir, name));
    rmdirSync(dir);
  } catch {
    rmSync(dir, { recursive: true, force: true });
  }
}
