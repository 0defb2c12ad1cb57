import type Docker from 'dockerode';

/** Where a job container sees the workspace and Gantry's private directory. */
export const GUEST_WORKSPACE = '/workspace';
export const GUEST_TEMP = '/gantry';

/**
 * Capabilities a job container keeps; every other one is dropped. Root in the container can still
 * install packages (chown, override file modes, step down to a package manager's user) and bind
 * low ports. Left out of Docker's default set on purpose: NET_RAW (spoofing), MKNOD, SYS_CHROOT,
 * AUDIT_WRITE, SETFCAP, SETPCAP.
 */
export const JOB_CAPABILITIES: readonly string[] = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'NET_BIND_SERVICE', 'SETGID', 'SETUID'];

export interface JobContainerInput {
  name: string;
  image: string;
  labels: Record<string, string>;
  /** Host directories mounted at GUEST_WORKSPACE and GUEST_TEMP. */
  workspaceDir: string;
  tempDir: string;
  user?: string;
  privileged: boolean;
  cpus?: number;
  memoryBytes?: number;
  /** The services' network, when the job has services. */
  network?: string;
}

/**
 * Create options for a job container. It idles in `sh` reading a stdin that never gets data (any
 * image with a shell, no `sleep` needed), and every step is an exec in it, so files and processes
 * a step leaves are there for the next. Nothing of the job's environment is set here: each step's
 * environment travels with its exec request, never on a command line.
 */
export function jobContainerOptions(input: JobContainerInput): Docker.ContainerCreateOptions {
  const limits: Docker.HostConfig = {};
  if (input.memoryBytes !== undefined) {
    limits.Memory = input.memoryBytes;
    limits.MemorySwap = input.memoryBytes; // no swap on top: the limit means what it says
  }
  if (input.cpus !== undefined) limits.NanoCpus = Math.round(input.cpus * 1e9);
  const security: Docker.HostConfig = input.privileged
    ? { Privileged: true }
    : { Privileged: false, CapDrop: ['ALL'], CapAdd: [...JOB_CAPABILITIES], SecurityOpt: ['no-new-privileges'] };
  return {
    name: input.name,
    Image: input.image,
    Entrypoint: ['sh'],
    Cmd: [],
    OpenStdin: true,
    StdinOnce: false,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    // The idle shell is PID 1 and ignores SIGTERM: removal kills it at once instead of waiting out a stop timeout.
    StopSignal: 'SIGKILL',
    WorkingDir: GUEST_WORKSPACE,
    Labels: { ...input.labels },
    ...(input.user !== undefined ? { User: input.user } : {}),
    HostConfig: {
      Mounts: [
        { Type: 'bind', Source: input.workspaceDir, Target: GUEST_WORKSPACE, ReadOnly: false },
        { Type: 'bind', Source: input.tempDir, Target: GUEST_TEMP, ReadOnly: false },
      ],
      ...security,
      ...limits,
      ...(input.network !== undefined ? { NetworkMode: input.network } : {}),
    },
  };
}
