import type { ContainerRuntime, ContainerRuntimeOptions } from './docker/container-runtime.js';

/**
 * The docker backend and image builder for an agent or `gantry exec`, or undefined when no Docker or
 * Podman socket is configured. Loaded on demand: dockerode and what it pulls in (ssh2…) cost about
 * 10 MiB of memory and start-up time that host-only servers and `gantry exec` runs should not pay.
 */
export async function loadContainerRuntime(options: ContainerRuntimeOptions): Promise<ContainerRuntime | undefined> {
  if (options.dockerHost === undefined || options.dockerHost.trim() === '') return undefined;
  const { createContainerRuntime } = await import('./docker/container-runtime.js');
  return createContainerRuntime(options);
}
