import Docker from 'dockerode';
import type { Backend } from '../backend.js';
import type { ImageBuilder } from '../image-builder.js';
import { DockerBackend } from './docker-backend.js';
import { dockerConnection } from './docker-host.js';
import { createImageBuilder } from './image-build.js';
import { removeLeftovers, type RemovedLeftovers } from './leftovers.js';

export interface ContainerRuntimeOptions {
  /** DOCKER_HOST form: unix:///path or tcp://HOST:PORT. Undefined or empty: no container engine. */
  dockerHost?: string | undefined;
  /** TLS for a tcp:// engine: the directory with ca.pem, cert.pem and key.pem (see dockerConnection). */
  dockerCertPath?: string | undefined;
  /** Images jobs may run with `privileged: true`. */
  privilegedImages: readonly string[];
  /** Labels what this runtime creates; leftovers are found by it. */
  agentId: string;
  /** Host directory for workspaces of jobs without a checkout and Gantry's temp dirs. */
  tempRoot?: string;
  /** The runtime's own notes (leftovers removed), for the agent's log. */
  onLine?: (line: string) => void;
}

export interface ContainerRuntime {
  /** The docker backend: runs jobs with `image:` (give it to the job runner as `containers`). */
  containers: Backend;
  imageBuilder: ImageBuilder;
  /**
   * Removes what a crashed run of the same agent left (labelled with its id). Call once when the
   * agent starts, before it leases a job.
   */
  removeLeftovers(): Promise<RemovedLeftovers>;
  /** Once no job is running: removes the backend's temp root. */
  close(): Promise<void>;
}

/**
 * The container side of an agent, when a Docker or Podman socket is configured; undefined when
 * not (jobs with `image:` then end `error` with a hint). Connecting is lazy: nothing talks to the
 * engine until a job or removeLeftovers does. Throws CONFIG_INVALID for a malformed address.
 */
export function createContainerRuntime(options: ContainerRuntimeOptions): ContainerRuntime | undefined {
  if (options.dockerHost === undefined || options.dockerHost.trim() === '') return undefined;
  const docker = new Docker(dockerConnection(options.dockerHost, options.dockerCertPath));
  const backend = new DockerBackend({
    docker,
    agentId: options.agentId,
    privilegedImages: options.privilegedImages,
    ...(options.tempRoot !== undefined ? { tempRoot: options.tempRoot } : {}),
  });
  return {
    containers: backend,
    imageBuilder: createImageBuilder(docker),
    removeLeftovers: async () => {
      const removed = await removeLeftovers(docker, options.agentId);
      const total = removed.containers + removed.networks + removed.volumes;
      if (total > 0) {
        options.onLine?.(`removed what a previous run of agent ${options.agentId} left: ${removed.containers} container(s), ${removed.networks} network(s), ${removed.volumes} volume(s)`);
      }
      return removed;
    },
    close: () => backend.close(),
  };
}
