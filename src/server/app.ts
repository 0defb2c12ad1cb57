import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import { createEmbeddedAgent, type EmbeddedAgent } from '../agent/index.js';
import type { ServerConfig } from '../config/index.js';
import { GantryError, systemClock, toGantryError, type Clock } from '../core/index.js';
import { createRunService, type RunService } from '../engine/index.js';
import type { Store } from '../store/index.js';
import { createSqliteStore } from '../store/sqlite/index.js';
import { createHttpApp } from './http/http-app.js';
import { createLiveHub, type LiveHub } from './live/index.js';
import { createLogger } from './logger.js';
import { createRepoMirrors, type RepoMirrors } from './repos/index.js';
import { createRunFromEvent, type CreateRunFromEvent } from './runs/index.js';
import { createCronScheduler, createPoller } from './schedule/index.js';
import { createTokenAuthenticator, ensureAdminToken } from './tokens.js';

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

function announceToken(announce: (line: string) => void, token: string): void {
  announce('gantry: generated the admin API token (shown only this once; only its hash is stored):');
  announce(`  ${token}`);
  announce('  use it with `--token` or GANTRY_TOKEN; set GANTRY_ADMIN_TOKEN to choose your own instead');
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
  const file = join(config.dataDir, 'gantry.db');
  const store = await (options.openStore ?? ((f, c) => createSqliteStore({ file: f, clock: c })))(file, clock);
  const repos = createRepoMirrors({ dataDir: config.dataDir, clock });
  const live = createLiveHub();
  const runService = createRunService({ store, clock, logger, leaseTtlMs: config.leaseTtl, onLogsStored: live.publishLogs, onRunChanged: live.publishRunChanged });
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
  try {
    const { generated } = await ensureAdminToken(store.tokens, config.adminToken);
    if (generated) announceToken(announce, generated);
    const authenticator = createTokenAuthenticator(store.tokens, () => clock.now(), (err) => logger.warn({ err }, 'could not record token use'));
    app = await createHttpApp({
      store,
      logger,
      authenticators: [authenticator],
      readiness: [
        { name: 'store', check: () => store.ping() },
        {
          name: 'agent',
          check: async () => {
            if (config.embeddedAgent && !agent?.started) throw new Error('the embedded agent is not running');
          },
        },
      ],
      runs: { repos, createRun },
      runControl: runService,
      live: { hub: live },
    });
  } catch (err) {
    await store.close();
    throw toGantryError(err, 'SERVER_START_FAILED');
  }
  let url: string;
  try {
    url = await listen(app, config);
  } catch (err) {
    await app.close();
    await store.close();
    throw err;
  }
  if (config.embeddedAgent) {
    agent = createEmbeddedAgent({
      port: runService.agentPort,
      capacity: config.agentCapacity,
      workRoot: join(config.dataDir, 'work'),
      checkout: (spec, dir, signal) => repos.checkout({ id: spec.projectId, repoUrl: spec.repoUrl }, spec.sha, dir, { signal }),
      onError: (err, context) => logger.warn({ err, context }, 'embedded agent'),
    });
  }
  await runService.start();
  agent?.start();
  for (const trigger of timedTriggers) trigger.start();
  announce(`gantry server listening on ${url}`);
  logger.info({ url, dataDir: config.dataDir, embeddedAgent: config.embeddedAgent }, 'gantry server started');

  let stopping: Promise<void> | undefined;
  const stop = (reason: string) => (stopping ??= stopAll(reason));
  async function stopAll(reason: string): Promise<void> {
    logger.info({ reason }, 'gantry server stopping');
    const failures: unknown[] = [];
    const drain = () => drainRunningWork(runService, agent, config.shutdownGrace, reason, logger);
    const stopTriggers = () => Promise.all(timedTriggers.map((t) => t.stop()));
    for (const step of [() => app.close(), stopTriggers, () => stopTakingWork(runService), drain, () => repos.close(), () => store.close()]) {
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
