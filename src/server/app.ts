import { existsSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import { createEmbeddedAgent, type EmbeddedAgent } from '../agent/index.js';
import { resolveDockerHost, type ServerConfig } from '../config/index.js';
import { GantryError, systemClock, toGantryError, type Clock } from '../core/index.js';
import { createAgentRegistry, createRunService, type RunService } from '../engine/index.js';
import { dockerCertPathFromEnv, isPlainTcp, loadContainerRuntime, type ContainerRuntime } from '../runner/index.js';
import type { Store } from '../store/index.js';
import { createSqliteStore } from '../store/sqlite/index.js';
import { createHttpApp } from './http/http-app.js';
import { findWebRoot } from './http/routes/ui.js';
import { createLiveHub, type LiveHub } from './live/index.js';
import { startIdleMemory } from './idle-memory.js';
import { createLogger } from './logger.js';
import { createServerMetrics } from './metrics/index.js';
import { createRepoMirrors, type RepoMirrors } from './repos/index.js';
import { createRunFromEvent, type CreateRunFromEvent } from './runs/index.js';
import { createCronScheduler, createPoller } from './schedule/index.js';
import { startAgentGrpcServer, type AgentGrpcServer, type AgentTls } from './grpc/index.js';
import { setUpAccounts } from './auth/index.js';
import { createJobSecretsSource, loadKeyring, rotateSecretKey, SecretBox, sealStore, type RotationReport } from './secrets/index.js';
import { BlobFiles, createLeaseStorage, startArtifactSweep, storageLimits } from './artifacts/index.js';

/**
 * The composition root of `gantry server`: picks the store driver, wires authentication, the HTTP
 * app and (later) the scheduler and embedded agent, and owns the order of start and stop.
 *
 * Start: data dir → logger → store (migrated) → admin token → repo mirrors + run creator → HTTP app
 *        (webhooks, triggers, API) → listen.
 * Stop:  stop accepting HTTP (in-flight requests finish) → stopTakingWork → drainRunningWork (up to
 *        shutdownGrace) → close the store. Idempotent; a failing step does not skip the later ones.
 */
export interface StartServerOptions {
  readonly clock?: Clock;
  /** Human-facing lines (the URL, a generated token). Default: process.stderr. */
  readonly announce?: (line: string) => void;
  /** Log destination (tests read it). Default: stdout. */
  readonly logDestination?: DestinationStream;
  readonly colorize?: boolean;
  /** Tests: another store (e.g. already open). Default: SQLite at `<dataDir>/gantry.db`. */
  readonly openStore?: (file: string, clock: Clock) => Promise<Store>;
}

export interface RunningServer {
  /** `http://HOST:PORT` with the real port (listen on port 0 picks one). */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly repos: RepoMirrors;
  readonly logger: Logger;
  /** Live fan-out of stored log lines and run changes (SSE streams subscribe here). */
  readonly live: LiveHub;
  stop(reason: string): Promise<void>;
}

function urlOf(app: FastifyInstance): string {
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

function createDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new GantryError('SERVER_START_FAILED', `cannot create the data directory ${dir}: ${(err as Error).message}`, {
      cause: err,
      details: { hint: 'choose another with --data-dir or GANTRY_DATA_DIR' },
    });
  }
}

/** TLS of the agent port when both files are set (docs/agents.md); a half-set pair is an error. */
function agentTls(config: ServerConfig): AgentTls | undefined {
  const { agentTlsCert: certFile, agentTlsKey: keyFile, agentTlsClientCa: clientCaFile } = config;
  if (!certFile && !keyFile) {
    if (clientCaFile) throw new GantryError('CONFIG_INVALID', 'agentTlsClientCa needs agentTlsCert and agentTlsKey');
    return undefined;
  }
  if (!certFile || !keyFile) throw new GantryError('CONFIG_INVALID', 'the agent port needs both agentTlsCert and agentTlsKey for TLS');
  return { certFile, keyFile, ...(clientCaFile ? { clientCaFile } : {}) };
}

/** Stop taking new work: no queued run starts and no job is leased any more. */
async function stopTakingWork(runs: RunService): Promise<void> {
  runs.stopTakingWork();
}

/**
 * Let running jobs finish within `graceMs`, then cancel the runs still running one and record why
 * (`reason`, e.g. "server shutting down") on their jobs; runs with nothing running stay `running`
 * with their jobs `queued`, and the next start resumes them (docs/scheduling.md).
 */
async function drainRunningWork(runs: RunService, agent: EmbeddedAgent | undefined, graceMs: number, reason: string, logger: Logger): Promise<void> {
  logger.info({ graceMs, reason }, 'draining running jobs');
  await runs.drain(graceMs, reason);
  await agent?.stop({ drain: false, reason });
  await runs.close();
}

async function listen(app: FastifyInstance, config: ServerConfig): Promise<string> {
  try {
    await app.listen({ host: config.listen.host, port: config.listen.port, listenTextResolver: (address) => `listening on ${address}` });
  } catch (err) {
    throw new GantryError('SERVER_START_FAILED', `cannot listen on ${config.listen.host}:${config.listen.port}: ${(err as Error).message}`, {
      cause: err,
      details: { hint: 'choose another address with --listen HOST:PORT or GANTRY_LISTEN (port 0 picks a free one)' },
    });
  }
  return urlOf(app);
}

/** The key that seals secrets (docs/secrets.md); a key file made now is worth a log line: back it up. */
async function openSecretBox(config: ServerConfig, logger: Logger): Promise<SecretBox> {
  const { keyring, source, generated } = await loadKeyring({ dataDir: config.dataDir, secretKey: config.secretKey });
  if (generated) logger.warn({ keyFile: source }, 'generated the secret key file: back it up with the database, secrets cannot be read without it');
  return new SecretBox(keyring);
}

/**
 * Jobs with image: run on the configured Docker/Podman engine; without one they end in error saying
 * how to configure it. What a crashed server's agent left there is removed first.
 */
async function openContainerRuntime(config: ServerConfig, agentId: string, logger: Logger): Promise<ContainerRuntime | undefined> {
  const dockerHost = resolveDockerHost(config, process.env);
  const dockerCertPath = config.dockerCertPath ?? dockerCertPathFromEnv(process.env);
  if (dockerHost !== undefined && isPlainTcp(dockerHost, dockerCertPath)) {
    logger.warn({ dockerHost }, 'the container engine is reached over plain HTTP: whoever can reach that port can run containers; set dockerCertPath (or DOCKER_TLS_VERIFY) for TLS');
  }
  const containers = await loadContainerRuntime({
    dockerHost,
    dockerCertPath,
    privilegedImages: [...config.privilegedImages],
    agentId,
    tempRoot: join(config.dataDir, 'work'),
    onLine: (line) => logger.info(line),
  });
  await containers?.removeLeftovers().catch((err: unknown) => logger.warn({ err }, 'could not remove leftover containers'));
  return containers;
}

/** `gantry server rotate-secret-key`: offline, on the server's own store (docs/secrets.md). */
export async function rotateServerSecretKey(config: ServerConfig): Promise<RotationReport> {
  const file = join(config.dataDir, 'gantry.db');
  // Never create an empty database (and a key for it) in a mistyped directory.
  if (!existsSync(file)) throw new GantryError('CONFIG_INVALID', `no Gantry database at ${file}: pass the server's --data-dir or --config`);
  const store = await createSqliteStore({ file });
  try {
    return await rotateSecretKey(store, { dataDir: config.dataDir, secretKey: config.secretKey });
  } finally {
    await store.close();
  }
}

export async function startServer(config: ServerConfig, options: StartServerOptions = {}): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const announce = options.announce ?? ((line: string) => void process.stderr.write(`${line}\n`));
  createDataDir(config.dataDir);
  const logger = await createLogger({
    level: config.logLevel,
    format: config.logFormat,
    ...(options.logDestination && { destination: options.logDestination }),
    ...(options.colorize !== undefined && { colorize: options.colorize }),
  });
  const secretBox = await openSecretBox(config, logger);
  const file = join(config.dataDir, 'gantry.db');
  const store = await sealStore(await (options.openStore ?? ((f, c) => createSqliteStore({ file: f, clock: c, synchronous: config.storeSync })))(file, clock), secretBox, (message) => logger.warn(message));
  const repos = createRepoMirrors({ dataDir: config.dataDir, clock });
  const live = createLiveHub();
  // Agents lease through the registry, so the API can list, pause and drain them.
  const agents = createAgentRegistry({ clock });
  const startedAt = clock.now();
  // The queue source is read at scrape time, after runService exists.
  const metrics = createServerMetrics({ runs: store.runs, queue: () => runService.queueStats(), liveSubscribers: () => live.subscriberCount() });
  const runService = createRunService({
    store,
    clock,
    logger,
    leaseTtlMs: config.leaseTtl,
    limits: { maxConcurrentRuns: config.maxConcurrentRuns ?? null, maxRunningJobs: config.maxConcurrentJobs ?? null },
    // 0 turns a retention rule off (docs/runs.md).
    retention: { maxAgeDays: config.retentionDays || null, keepPerProject: config.retentionRunsPerProject || null },
    onLogsStored: (runId, jobId, lines) => {
      live.publishLogs(runId, jobId, lines);
      metrics.logLinesStored(lines.length);
    },
    onRunChanged: live.publishRunChanged,
    observer: metrics.observer,
    jobSecrets: createJobSecretsSource({ secrets: store.secrets, box: secretBox }),
  });
  // Caches and artifacts: archives under the data directory, reached by agents through their lease.
  const blobFiles = new BlobFiles(config.dataDir);
  const leaseStorage = createLeaseStorage({ store, files: blobFiles, limits: storageLimits(config), clock });
  const storeRun = createRunFromEvent({ store, repos, clock });
  const createRun: CreateRunFromEvent = async (...args) => {
    const result = await storeRun(...args);
    if (result.created) runService.kick();
    return result;
  };
  // Polling and cron create runs through the same path as webhooks (docs/triggers.md, "In the server").
  const timedTriggers = [
    createPoller({ store, runCreator: createRun, clock, logger }),
    createCronScheduler({ store, repos, runCreator: createRun, clock, logger }),
  ];
  let agent: EmbeddedAgent | undefined;
  let app: FastifyInstance;
  // What start-up opened so far, closed again (newest first) when a later step fails.
  const opened: (() => Promise<unknown>)[] = [() => store.close()];
  const failStart = async (err: unknown): Promise<never> => {
    for (const close of opened.reverse()) await close().catch(() => undefined);
    throw err;
  };
  try {
    const accounts = await setUpAccounts(store, config, clock, logger, announce);
    app = await createHttpApp({
      store,
      logger,
      authenticators: accounts.authenticators,
      accounts: accounts.routes,
      readiness: [
        { name: 'store', check: () => store.ping() },
        {
          name: 'store writes',
          check: async () => {
            const refusal = runService.recordingRefused();
            if (refusal) throw new GantryError('STORE_UNAVAILABLE', `the store refuses writes for now, run records wait in memory: ${refusal.message}`);
          },
        },
        {
          name: 'agent',
          check: async () => {
            if (config.embeddedAgent && !agent?.started) throw new Error('the embedded agent is not running');
          },
        },
      ],
      runs: { repos, createRun },
      runControl: runService,
      agents,
      info: { embeddedAgent: config.embeddedAgent, startedAt, now: () => clock.now() },
      projectFiles: repos,
      secrets: secretBox,
      live: { hub: live },
      metrics: { collector: metrics, token: config.metricsToken },
      webRoot: findWebRoot(),
      artifacts: blobFiles,
    });
  } catch (err) {
    return failStart(toGantryError(err, 'SERVER_START_FAILED'));
  }
  opened.push(() => app.close());
  let url: string;
  try {
    url = await listen(app, config);
  } catch (err) {
    return failStart(err);
  }
  let agentPort: AgentGrpcServer | undefined;
  if (config.agentListen) {
    try {
      agentPort = await startAgentGrpcServer(config.agentListen, agentTls(config), {
        port: agents.wrap(runService.agentPort), registry: agents, tokens: store.agentTokens, leaseTtlMs: config.leaseTtl, clock, logger, storage: leaseStorage,
      });
    } catch (err) {
      return failStart(err);
    }
    opened.push(async () => agentPort?.stop());
    announce(`agent port (gRPC) listening on ${agentPort.address}`);
  }
  let containers: ContainerRuntime | undefined;
  if (config.embeddedAgent) {
    try {
      const agentId = `embedded@${hostname()}`;
      containers = await openContainerRuntime(config, agentId, logger);
      const jobContainers = containers ? { containers: containers.containers, imageBuilder: containers.imageBuilder } : {};
      agent = createEmbeddedAgent({
        agentId,
        port: agents.wrap(runService.agentPort),
        capacity: config.agentCapacity,
        workRoot: join(config.dataDir, 'work'),
        checkout: (spec, dir, signal) => repos.checkout({ id: spec.projectId, repoUrl: spec.repoUrl }, spec.sha, dir, { signal }),
        onError: (err, context) => logger.warn({ err, context }, 'embedded agent'),
        runtime: (lease) => ({ ...jobContainers, storage: () => leaseStorage(lease) }),
      });
      agents.register({ id: agent.agentId, name: 'embedded', kind: 'embedded', capacity: config.agentCapacity });
    } catch (err) {
      // A bad engine address or certificate directory (CONFIG_INVALID): nothing may stay open.
      await containers?.close().catch(() => undefined);
      return failStart(err);
    }
  }
  await runService.start();
  const artifactSweep = startArtifactSweep({ store, files: blobFiles, clock, logger });
  const idleMemory = startIdleMemory({ busy: () => runService.activeRuns().length > 0 });
  agent?.start();
  for (const trigger of timedTriggers) trigger.start();
  announce(`gantry server listening on ${url}`);
  logger.info({ url, dataDir: config.dataDir, embeddedAgent: config.embeddedAgent, storeSync: config.storeSync }, 'gantry server started');

  let stopping: Promise<void> | undefined;
  const stop = (reason: string) => (stopping ??= stopAll(reason));
  async function stopAll(reason: string): Promise<void> {
    logger.info({ reason }, 'gantry server stopping');
    const failures: unknown[] = [];
    const drain = () => drainRunningWork(runService, agent, config.shutdownGrace, reason, logger);
    const stopTriggers = () => Promise.all(timedTriggers.map((t) => t.stop()));
    // The agent port closes after the drain: remote agents report on their jobs until then.
    for (const step of [() => app.close(), stopTriggers, async () => artifactSweep.stop(), async () => idleMemory.stop(), () => stopTakingWork(runService), drain, async () => agentPort?.stop(), async () => containers?.close(), () => repos.close(), () => store.close()]) {
      try {
        await step();
      } catch (err) {
        failures.push(err);
        logger.error({ err }, 'error while stopping');
      }
    }
    logger.info({ reason }, 'gantry server stopped');
    if (failures.length > 0) throw toGantryError(failures[0]);
  }
  return { url, app, store, repos, logger, live, stop };
}
