import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { GantryError } from '../../core/index.js';
import type { Backend, BackendJob, ExecRequest, ExecResult, JobContainer, Workspace } from '../backend.js';
import { execInContainer } from './container-exec.js';
import { GUEST_TEMP, GUEST_WORKSPACE, jobContainerOptions } from './container-options.js';
import { engineMessage, isGone } from './engine-errors.js';
import { jobLabels, namePart } from './labels.js';
import { privilegedAllowed } from './privileged.js';
import { pullImage } from './pull.js';
import { startServices, type StartedServices } from './services.js';

export interface DockerBackendOptions {
  docker: Docker;
  /** Labels everything this backend creates (`gantry.agent`), for leftover removal. */
  agentId: string;
  /** Images a job may run with `privileged: true` (references or globs, see privilegedAllowed). */
  privilegedImages: readonly string[];
  /** Parent directory of the host side of workspaces and temp dirs (default: the OS temp dir). */
  tempRoot?: string;
}

/** One job attempt's engine objects. */
interface JobState {
  jobId: string;
  name: string;
  container?: Docker.Container;
  user?: string;
  services?: StartedServices;
}

/**
 * Runs container jobs through the Docker Engine API (Docker, or Podman's compatible service). Call
 * order, concurrency and cancellation as documented on `Backend`.
 *
 * prepare: host directories for the workspace (the checkout when there is one, else an empty
 * directory) and Gantry's temp dir, mounted in the container at /workspace and /gantry.
 * start: refuses `privileged` unless the image is allow-listed, pulls the image by its policy,
 * starts the services on a network of their own, then the job container (on that network),
 * unprivileged by default. exec: one exec per step (see execInContainer). cleanup: the container,
 * the services and their network, then the host directories Gantry made.
 *
 * The engine must see the agent's directories (bind mounts): run it on the same machine. Everything
 * created carries gantry.managed / gantry.agent / gantry.job labels (see removeLeftovers).
 */
export class DockerBackend implements Backend {
  readonly name = 'docker';
  readonly #options: DockerBackendOptions;
  readonly #jobs = new WeakMap<Workspace, JobState>();
  #root: string | undefined;
  #count = 0;

  constructor(options: DockerBackendOptions) {
    this.#options = options;
  }

  async prepare(job: BackendJob): Promise<Workspace> {
    const label = `${++this.#count}-${namePart(job.jobId)}`;
    let tempDir: string | undefined;
    try {
      this.#root ??= mkdtempSync(join(this.#options.tempRoot ?? tmpdir(), 'gantry-docker-'));
      tempDir = join(this.#root, `${label}.tmp`);
      mkdirSync(tempDir);
      // The step may run as any user of the image; only the agent can reach these paths on the host.
      chmodSync(tempDir, 0o777);
      let workspace: Workspace;
      if (job.sourceDir !== undefined) workspace = { dir: job.sourceDir, tempDir, owned: false, guest: { dir: GUEST_WORKSPACE, tempDir: GUEST_TEMP } };
      else {
        const dir = join(this.#root, `${label}.ws`);
        mkdirSync(dir);
        chmodSync(dir, 0o777);
        workspace = { dir, tempDir, owned: true, guest: { dir: GUEST_WORKSPACE, tempDir: GUEST_TEMP } };
      }
      this.#jobs.set(workspace, { jobId: job.jobId, name: `gantry-${label}-${randomBytes(3).toString('hex')}` });
      return workspace;
    } catch (err) {
      if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
      throw new GantryError('RUNNER_WORKSPACE', `cannot create a workspace under ${this.#options.tempRoot ?? tmpdir()}: ${String(err)}`, { cause: err });
    }
  }

  async start(workspace: Workspace, spec: JobContainer): Promise<void> {
    const state = this.#state(workspace);
    if (spec.privileged && !privilegedAllowed(spec.image, this.#options.privilegedImages)) {
      throw new GantryError(
        'RUNNER_PRIVILEGED_REFUSED',
        `job "${state.jobId}" asks for privileged: true, but image "${spec.image}" is not allow-listed for privileged containers: an admin adds it (or a glob) to the setting privilegedImages (GANTRY_PRIVILEGED_IMAGES), or drop privileged: true`,
        { details: { image: spec.image } },
      );
    }
    const { docker } = this.#options;
    const labels = jobLabels(this.#options.agentId, state.jobId);
    const pull = (image: string, policy: JobContainer['pull'], credentials: JobContainer['credentials'], signal: AbortSignal) =>
      pullImage(docker, image, policy, credentials, signal, spec.onLine);
    await pull(spec.image, spec.pull, spec.credentials, spec.signal);
    if (spec.services.length > 0) {
      state.services = await startServices(docker, { network: `${state.name}-net`, labels, services: spec.services, signal: spec.signal, onLine: spec.onLine, pullImage: pull });
    }
    spec.signal.throwIfAborted();
    const options = jobContainerOptions({
      name: state.name,
      image: spec.image,
      labels,
      workspaceDir: workspace.dir,
      tempDir: workspace.tempDir,
      privileged: spec.privileged,
      ...(spec.user !== undefined ? { user: spec.user } : {}),
      ...(spec.cpus !== undefined ? { cpus: spec.cpus } : {}),
      ...(spec.memoryBytes !== undefined ? { memoryBytes: spec.memoryBytes } : {}),
      ...(state.services !== undefined ? { network: state.services.network } : {}),
    });
    try {
      state.container = await docker.createContainer(options);
      if (spec.user !== undefined) state.user = spec.user;
      await state.container.start();
    } catch (err) {
      throw new GantryError('RUNNER_CONTAINER', `cannot start a container from image "${spec.image}": ${engineMessage(err)}`, { cause: err });
    }
  }

  exec(request: ExecRequest, onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): Promise<ExecResult> {
    const state = this.#state(request.workspace);
    if (state.container === undefined) {
      return Promise.reject(new GantryError('RUNNER_CONTAINER', `job "${state.jobId}" has no running container (start was not called or failed)`));
    }
    return execInContainer(state.container, state.user, request, onOutput);
  }

  async cleanup(workspace: Workspace): Promise<void> {
    const state = this.#jobs.get(workspace);
    this.#jobs.delete(workspace);
    const failures: unknown[] = [];
    if (state?.container !== undefined) {
      // One call: the container's stop signal is SIGKILL (see jobContainerOptions), so this is quick.
      await state.container.remove({ force: true, v: true }).catch((err: unknown) => {
        if (!isGone(err)) failures.push(err);
      });
    }
    if (state?.services !== undefined) await state.services.stop().catch((err: unknown) => failures.push(err));
    rmSync(workspace.tempDir, { recursive: true, force: true });
    if (workspace.owned) rmSync(workspace.dir, { recursive: true, force: true });
    if (failures.length > 0) {
      throw new GantryError('RUNNER_CONTAINER', `cannot remove the job's containers: ${engineMessage(failures[0])}`, { cause: failures[0] });
    }
  }

  /** Removes the backend's own temp root; once no job is running. */
  async close(): Promise<void> {
    if (this.#root !== undefined) rmSync(this.#root, { recursive: true, force: true });
    this.#root = undefined;
  }

  #state(workspace: Workspace): JobState {
    const state = this.#jobs.get(workspace);
    if (state === undefined) throw new GantryError('RUNNER_WORKSPACE', 'the docker backend did not prepare this workspace');
    return state;
  }
}
