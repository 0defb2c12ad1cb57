import type Docker from 'dockerode';
import { GantryError, systemClock, type ErrorCode } from '../../core/index.js';
import type { PullPolicy } from '../../pipeline/index.js';
import { engineMessage, isGone } from './engine-errors.js';
import { checkService, serviceContainerOptions } from './service-container.js';
import { tailLogs } from './service-logs.js';
import { waitUntilReady } from './service-readiness.js';

/** A job's `services:` entry with its environment evaluated; `credentials` are secrets. */
export interface ServiceSpec {
  name: string;
  image: string;
  env: Record<string, string>;
  ports: number[];
  command?: string[];
  pull: PullPolicy;
  credentials?: { username: string; password: string };
  health?: { cmd: string[]; intervalMs: number; timeoutMs: number };
}

export interface StartServicesOptions {
  /** Name of the per-job network to create; also the prefix of the service containers' names. */
  network: string;
  /** Put on the network and every container, so leftovers can be found and removed. */
  labels: Record<string, string>;
  services: ServiceSpec[];
  /** Abort: stop waiting, remove what was started, reject with the signal's reason. */
  signal: AbortSignal;
  /** Progress for the job log. */
  onLine(line: string): void;
  pullImage(image: string, policy: PullPolicy, credentials: { username: string; password: string } | undefined, signal: AbortSignal): Promise<void>;
}

export interface StartedServices {
  network: string;
  /** Removes the containers and the network. Idempotent; already-gone objects are not an error. */
  stop(): Promise<void>;
}

/** A service that exited or never became ready. Until the registry has a code of its own for it. */
const SERVICE_FAILED: ErrorCode = 'RUNNER_SERVICE_FAILED';

/**
 * Starts a job's service containers on a network of their own and resolves once every one is ready.
 *
 * Creates a bridge network (DNS on, so services resolve by name), then, for all services in
 * parallel: pulls the image (through `pullImage`), creates and starts the container with the service
 * name as its network alias, and waits for readiness (health command, else open ports, else
 * running). The job container joins `network` to reach them. When any service fails or `signal`
 * aborts, the others stop waiting, everything created is removed, and the promise rejects: with a
 * GantryError naming the service, the reason and its last log lines, or with the signal's reason.
 * Nothing of a service's environment or credentials is put in lines or errors.
 */
export async function startServices(docker: Docker, options: StartServicesOptions): Promise<StartedServices> {
  const names = new Set<string>();
  for (const service of options.services) {
    checkService(service.name, service.env);
    if (names.has(service.name)) throw new GantryError('CONFIG_INVALID', `service "${service.name}" is defined twice`, { details: { service: service.name } });
    names.add(service.name);
  }
  options.signal.throwIfAborted();
  const created: string[] = [];
  const removal = createRemoval(docker, options.network, created);
  await docker
    .createNetwork({ Name: options.network, Driver: 'bridge', CheckDuplicate: true, Labels: { ...options.labels } })
    .catch((err: unknown) => {
      throw new GantryError('RUNNER_CONTAINER', `could not create the job network "${options.network}" for services: ${engineMessage(err)}`, { cause: err });
    });
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal.reason);
  options.signal.addEventListener('abort', onAbort, { once: true });
  let firstFailure: unknown;
  const results = await Promise.allSettled(
    options.services.map((service) =>
      startService(docker, service, options, controller.signal, created).catch((err: unknown) => {
        if (!controller.signal.aborted) {
          firstFailure = err;
          controller.abort(err);
        }
        throw err;
      }),
    ),
  );
  options.signal.removeEventListener('abort', onAbort);
  if (results.some((r) => r.status === 'rejected')) {
    await removal.stop().catch(() => undefined);
    throw options.signal.aborted ? options.signal.reason : firstFailure;
  }
  return { network: options.network, stop: removal.stop };
}

async function startService(docker: Docker, service: ServiceSpec, options: StartServicesOptions, signal: AbortSignal, created: string[]): Promise<void> {
  const started = systemClock.monotonic();
  options.onLine(`service ${service.name}: starting ${service.image}`);
  await options.pullImage(service.image, service.pull, service.credentials, signal).catch((err: unknown) => {
    if (signal.aborted) throw err;
    // The puller's GantryError keeps its code (image missing, pull failed); the message gains the service.
    if (err instanceof GantryError) throw new GantryError(err.code, `service ${service.name}: ${err.message}`, { cause: err, details: { ...err.details, service: service.name } });
    throw new GantryError('RUNNER_IMAGE_PULL', `service ${service.name}: could not get its image ${service.image}: ${engineMessage(err)}`, { cause: err, details: { service: service.name } });
  });
  signal.throwIfAborted();
  const containerName = `${options.network}-${service.name}`;
  const container = await docker
    .createContainer(serviceContainerOptions({ containerName, service: service.name, image: service.image, env: service.env, ...(service.command ? { command: service.command } : {}), network: options.network, labels: options.labels }))
    .catch((err: unknown) => {
      throw new GantryError('RUNNER_CONTAINER', `service ${service.name}: could not create its container from ${service.image}: ${engineMessage(err)}`, { cause: err, details: { service: service.name } });
    });
  created.push(container.id);
  signal.throwIfAborted();
  await container.start().catch(async (err: unknown) => {
    throw await serviceError(service.name, container, `could not start: ${engineMessage(err)}`, err);
  });
  options.onLine(`service ${service.name}: ${waitingFor(service)}`);
  const readiness = await waitUntilReady({ container, network: options.network, ports: service.ports, ...(service.health ? { health: service.health } : {}), signal });
  if (!readiness.ready) throw await serviceError(service.name, container, readiness.reason, undefined, readiness.exitCode);
  options.onLine(`service ${service.name}: ready after ${((systemClock.monotonic() - started) / 1000).toFixed(1)}s`);
}

function waitingFor(service: ServiceSpec): string {
  if (service.health) return 'waiting for its health command to succeed';
  if (service.ports.length > 0) return `waiting for port ${service.ports.join(', ')}`;
  return 'running';
}

async function serviceError(name: string, container: Docker.Container, reason: string, cause?: unknown, exitCode?: number): Promise<GantryError> {
  const logs = await tailLogs(container);
  const tail = logs.length > 0 ? `; its last log lines:\n${logs.map((line) => `  ${line}`).join('\n')}` : '; it printed nothing';
  return new GantryError(SERVICE_FAILED, `service ${name} ${reason}${tail}`, {
    ...(cause !== undefined ? { cause } : {}),
    details: { service: name, reason, logs, ...(exitCode !== undefined ? { exitCode } : {}) },
  });
}

/**
 * Removal of what startServices created. Concurrent calls share one pass; a pass that failed (the
 * engine unreachable) may be retried by calling again.
 */
function createRemoval(docker: Docker, network: string, created: string[]): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const pass = async () => {
    await Promise.all(created.map((id) => removeContainer(docker.getContainer(id))));
    await ignoreGone(docker.getNetwork(network).remove());
  };
  return {
    stop: () => {
      running ??= pass().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}

/**
 * `t: 0`: Podman's forced remove otherwise waits out the stop timeout (10 s) of a PID 1 that ignores
 * TERM; Docker kills at once on a forced remove and ignores the parameter. `v`: anonymous volumes
 * (a database image's VOLUME) go with the container.
 */
async function removeContainer(container: Docker.Container): Promise<void> {
  const options: Docker.ContainerRemoveOptions & { t: number } = { force: true, v: true, t: 0 };
  await ignoreGone(container.remove(options));
}

async function ignoreGone(operation: Promise<unknown>): Promise<void> {
  try {
    await operation;
  } catch (err) {
    if (isGone(err)) return;
    throw new GantryError('RUNNER_CONTAINER', `could not remove a service container or network: ${engineMessage(err)}`, { cause: err });
  }
}
