import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GantryError } from '../../core/index.js';
import type { Backend, BackendJob, ExecRequest, ExecResult, Workspace } from '../backend.js';
import { removeTree } from '../fast-fs.js';
import { execInProcessGroup } from './process-group.js';

export interface LocalBackendOptions {
  /** Parent directory for workspaces and Gantry's temp dirs (default: the OS temp dir). */
  tempRoot?: string;
}

/**
 * Runs steps as host processes. Call order and cancellation as documented on `Backend`.
 *
 * Workspace: with a source dir (`checkout: true`) steps run right in it — for `gantry exec` that is
 * the developer's own checkout, which is never deleted; without one (`checkout: false`) they run in
 * a fresh empty temp dir that `cleanup` removes. Either way Gantry's own files (scripts, output and
 * env files) live in a private temp dir, removed by `cleanup`.
 *
 * Processes: each step runs in its own process group; on timeout/cancel the whole group gets TERM
 * then KILL, and when a step ends normally anything it left running in the background is KILLed, so
 * background processes never outlive their step (start a server and its client in one step).
 */
export class LocalBackend implements Backend {
  readonly name = 'local';
  readonly #tempRoot: string;

  constructor(options: LocalBackendOptions = {}) {
    this.#tempRoot = options.tempRoot ?? tmpdir();
  }

  async prepare(job: BackendJob): Promise<Workspace> {
    if (job.image !== undefined) {
      throw new GantryError(
        'RUNNER_UNSUPPORTED_STEP',
        `job "${job.jobId}" sets image "${job.image}", but the local backend runs steps on the host; containers need the docker backend (a later release)`,
      );
    }
    const label = job.jobId.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 40);
    let tempDir: string | undefined;
    try {
      tempDir = await mkdtemp(join(this.#tempRoot, `gantry-${label}-tmp-`));
      if (job.sourceDir !== undefined) return { dir: job.sourceDir, tempDir, owned: false };
      const dir = await mkdtemp(join(this.#tempRoot, `gantry-${label}-ws-`));
      return { dir, tempDir, owned: true };
    } catch (err) {
      if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true }).catch(() => undefined);
      throw new GantryError('RUNNER_WORKSPACE', `cannot create a workspace under ${this.#tempRoot}: ${String(err)}`, {
        cause: err,
      });
    }
  }

  exec(request: ExecRequest, onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): Promise<ExecResult> {
    return execInProcessGroup(request, onOutput);
  }

  async cleanup(workspace: Workspace): Promise<void> {
    await removeTree(workspace.tempDir);
    if (workspace.owned) await rm(workspace.dir, { recursive: true, force: true });
  }
}
