import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { GantryError, systemClock, toGantryError, type Clock } from '../../core/index.js';
import { loadContainerRuntime, type ContainerRuntime } from '../../runner/index.js';
import { createEmbeddedAgent, type EmbeddedAgent } from '../embedded-agent.js';
import { AgentCallError, AgentClient, type AgentConnection } from './agent-client.js';
import { gitCheckout } from './git-checkout.js';
import { createGrpcJobStorage } from './grpc-job-storage.js';
import { RemotePort } from './remote-port.js';

export interface RemoteAgentOptions extends AgentConnection {
  /** Default: the host name. The server names the agent `<token name>/<name>`. */
  name?: string;
  labels: readonly string[];
  capacity: number;
  workDir: string;
  version: string;
  /** local: steps run as host processes only; docker: jobs with `image:` (and `build:` steps) use the engine at `dockerHost`. */
  backend: 'local' | 'docker';
  /** DOCKER_HOST form (unix:///path or tcp://HOST:PORT); required with the docker backend. */
  dockerHost?: string;
  /** TLS for a tcp:// dockerHost: directory with ca.pem, cert.pem, key.pem. */
  dockerCertPath?: string;
  /** Images jobs may run with `privileged: true` (docker backend). */
  privilegedImages?: readonly string[];
  clock?: Clock;
  /** Agent's own log lines (reconnects, refused calls). */
  log(message: string): void;
}

export interface RunningRemoteAgent {
  readonly agentId: string;
  /** First call: drain (no new leases; running jobs finish). A later call cancels them. */
  stop(options: { drain: boolean }): Promise<void>;
  /** Settles once the agent has stopped: with the refusal that stopped it (bad token, protocol), or undefined after `stop`. */
  readonly stopped: Promise<AgentCallError | undefined>;
}

/**
 * `gantry agent`: registers with the server's agent port (retrying while it is unreachable), then
 * runs the same agent loop as the server's embedded agent — lease, checkout, runner on the local
 * backend, step and log reports, heartbeats — over gRPC instead of in-process.
 */
export async function startRemoteAgent(options: RemoteAgentOptions, signal?: AbortSignal): Promise<RunningRemoteAgent> {
  const clock = options.clock ?? systemClock;
  const name = options.name ?? hostname();
  const client = new AgentClient(options);
  const port = new RemotePort({
    client,
    clock,
    onNotice: options.log,
    spoolDir: join(options.workDir, 'spool'),
    registration: { name, labels: options.labels, capacity: options.capacity, backends: options.backend === 'docker' ? ['local', 'docker'] : ['local'], version: options.version },
  });
  let agentId: string;
  let containers: ContainerRuntime | undefined;
  try {
    containers = options.backend === 'docker' ? await containerRuntime(options, name) : undefined;
    agentId = await port.register(signal);
  } catch (err) {
    client.close();
    await containers?.close();
    throw err;
  }
  let resolveStopped!: (refusal: AgentCallError | undefined) => void;
  const stopped = new Promise<AgentCallError | undefined>((resolve) => (resolveStopped = resolve));
  let refusal: AgentCallError | undefined;
  let stopping: Promise<void> | undefined;
  const agent: EmbeddedAgent = createEmbeddedAgent({
    port,
    agentId,
    labels: options.labels,
    capacity: options.capacity,
    workRoot: options.workDir,
    checkout: gitCheckout,
    clock,
    // The server's cache and artifact storage, reached over the agent port for each lease.
    runtime: (lease) => ({
      ...(containers ? { containers: containers.containers, imageBuilder: containers.imageBuilder } : {}),
      storage: () => createGrpcJobStorage(client, port.leaseRef(lease.leaseId, lease.epoch)),
    }),
    onError: (err, context) => {
      const code = (err as { code?: string }).code;
      options.log(`${context}: ${(err as Error).message}`);
      // A refused token never comes back: stop instead of asking again forever.
      if (err instanceof AgentCallError && (code === 'AUTH_INVALID_TOKEN' || code === 'AUTH_FORBIDDEN' || code === 'AGENT_PROTOCOL_MISMATCH')) {
        refusal ??= err;
        void stop({ drain: false });
      }
    },
  });
  async function stop({ drain }: { drain: boolean }): Promise<void> {
    const done = agent.stop({ drain, reason: drain ? 'agent draining' : 'agent stopped' });
    stopping ??= done.finally(async () => {
      client.close();
      await containers?.close().catch((err: unknown) => options.log(`closing the container backend: ${(err as Error).message}`));
      resolveStopped(refusal);
    });
    await done;
  }
  agent.start();
  options.log(`agent ${agentId} registered; labels ${options.labels.join(',')}; capacity ${options.capacity}; backend ${options.backend}${options.dockerHost && containers ? ` at ${options.dockerHost}` : ''}`);
  return { agentId, stop, stopped };
}

/**
 * The docker backend of this agent: checked before registering, so a missing or unreachable
 * socket is a clear error at start rather than every container job failing later. Leftovers of a
 * crashed run of the same agent (same token-less name on this host) are removed first.
 */
async function containerRuntime(options: RemoteAgentOptions, name: string): Promise<ContainerRuntime> {
  const tempRoot = join(options.workDir, 'containers');
  await mkdir(tempRoot, { recursive: true });
  const hint = 'pass --docker-host unix:///run/podman/podman.sock (or tcp://HOST:PORT), or set GANTRY_AGENT_DOCKER_HOST or DOCKER_HOST; --backend local runs host processes only';
  const runtime = await loadContainerRuntime({
    dockerHost: options.dockerHost,
    dockerCertPath: options.dockerCertPath,
    privilegedImages: options.privilegedImages ?? [],
    agentId: `agent-${name}@${hostname()}`,
    tempRoot,
    onLine: options.log,
  });
  if (!runtime) throw new GantryError('CONFIG_INVALID', 'the docker backend needs a Docker or Podman socket and none is set', { details: { hint } });
  try {
    await runtime.removeLeftovers();
  } catch (err) {
    await runtime.close().catch(() => undefined);
    throw new GantryError('CONFIG_INVALID', `the docker backend cannot reach the container engine at ${options.dockerHost}: ${toGantryError(err).message}`, { cause: err, details: { hint } });
  }
  return runtime;
}
