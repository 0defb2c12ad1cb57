import type Docker from 'dockerode';
import { GantryError } from '../../core/index.js';

/**
 * Capabilities a service keeps; every other one is dropped. Database and web server images start as
 * root and step down to their own user (chown their data directory, setuid/setgid), may bind ports
 * below 1024 and signal their workers; nothing else is needed. Left out of Docker's default set on
 * purpose: NET_RAW (spoofing on the job network), MKNOD, SYS_CHROOT, AUDIT_WRITE, SETFCAP, SETPCAP.
 */
export const SERVICE_CAPABILITIES: readonly string[] = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'NET_BIND_SERVICE', 'SETGID', 'SETUID'];

/** Enough for a database with many connections; a fork bomb in a service cannot starve the agent. */
const SERVICE_PIDS_LIMIT = 4096;

/** A service name is its host name on the job network, so it must be a DNS label. */
const SERVICE_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ServiceContainerInput {
  /** Container name, unique on the host (the network name plus the service name). */
  containerName: string;
  service: string;
  image: string;
  env: Record<string, string>;
  command?: string[];
  network: string;
  labels: Record<string, string>;
}

/** Rejects names that could not be resolved on the network or would not survive `KEY=value` encoding. */
export function checkService(name: string, env: Record<string, string>): void {
  if (!SERVICE_NAME.test(name)) {
    throw new GantryError('CONFIG_INVALID', `service name "${name}" is not a valid host name: use lowercase letters, digits and "-" (at most 63, not starting or ending with "-")`, {
      details: { service: name },
    });
  }
  for (const key of Object.keys(env)) {
    if (!ENV_NAME.test(key)) {
      throw new GantryError('CONFIG_INVALID', `service "${name}": environment variable name "${key}" is not valid (letters, digits and "_", not starting with a digit)`, {
        details: { service: name, variable: key },
      });
    }
  }
}

/**
 * Create options for one service container: on the job network only, reachable under its service
 * name, no host ports, least privilege. Values reach the container as its environment, never argv.
 */
export function serviceContainerOptions(input: ServiceContainerInput): Docker.ContainerCreateOptions {
  return {
    name: input.containerName,
    Image: input.image,
    Env: Object.entries(input.env).map(([key, value]) => `${key}=${value}`),
    ...(input.command !== undefined ? { Cmd: input.command } : {}),
    Labels: { ...input.labels },
    HostConfig: {
      NetworkMode: input.network,
      Privileged: false,
      CapDrop: ['ALL'],
      CapAdd: [...SERVICE_CAPABILITIES],
      SecurityOpt: ['no-new-privileges'],
      PidsLimit: SERVICE_PIDS_LIMIT,
      PublishAllPorts: false,
    },
    NetworkingConfig: { EndpointsConfig: { [input.network]: { Aliases: [input.service] } } },
  };
}
