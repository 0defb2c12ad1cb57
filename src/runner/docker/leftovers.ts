import type Docker from 'dockerode';
import { agentFilter } from './labels.js';
import { isGone } from './engine-errors.js';

export interface RemovedLeftovers {
  containers: number;
  networks: number;
  volumes: number;
}

/**
 * Removes every container, network and volume labelled as this agent's. Call it when the agent
 * starts, before it runs a job: whatever carries its id then is left from a run of the same agent
 * that crashed. Containers go first (a network in use cannot be removed). Already-gone objects are
 * fine; other failures reject after everything was tried.
 */
export async function removeLeftovers(docker: Docker, agentId: string): Promise<RemovedLeftovers> {
  const filters = agentFilter(agentId);
  const failures: unknown[] = [];
  const attempt = async (remove: () => Promise<unknown>): Promise<number> => {
    try {
      await remove();
      return 1;
    } catch (err) {
      if (!isGone(err)) failures.push(err);
      return 0;
    }
  };
  const containers = await docker.listContainers({ all: true, filters });
  const removed: RemovedLeftovers = { containers: 0, networks: 0, volumes: 0 };
  for (const info of containers) removed.containers += await attempt(() => docker.getContainer(info.Id).remove({ force: true, v: true }));
  for (const info of await docker.listNetworks({ filters })) removed.networks += await attempt(() => docker.getNetwork(info.Id).remove());
  const volumes = (await docker.listVolumes({ filters })).Volumes ?? [];
  for (const info of volumes) removed.volumes += await attempt(() => docker.getVolume(info.Name).remove());
  if (failures.length > 0) throw failures[0];
  return removed;
}
