import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Store } from '../../store/index.js';
import { registerAuth, type Authenticator } from './auth.js';
import { authRoutes, type AuthRouteOptions } from './routes/auth.js';
import { memberRoutes } from './routes/members.js';
import { tokenRoutes } from './routes/tokens.js';
import { userRoutes } from './routes/users.js';
import { registerProblemHandlers } from './problem.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';
import { deliveryRoutes } from './routes/deliveries.js';
import { logStreamRoutes, type LogStreamRouteOptions } from './routes/log-stream.js';
import { runStreamRoutes } from './routes/run-stream.js';
import { projectStreamRoutes } from './routes/project-stream.js';
import { branchesStreamRoutes } from './routes/branches-stream.js';
import { branchRoutes } from './routes/branches.js';
import type { LiveHub } from '../live/index.js';
import { registerHttpMetrics, type ServerMetrics } from '../metrics/index.js';
import { metricsRoutes } from './routes/metrics.js';
import { webhookRoutes } from './routes/hooks.js';
import { projectRoutes } from './routes/projects.js';
import { runRoutes } from './routes/runs.js';
import { runActionRoutes, type RunControl } from './routes/run-actions.js';
import { secretRoutes } from './routes/secrets.js';
import { uiRoutes } from './routes/ui.js';
import type { SecretBox } from '../secrets/index.js';
import type { AgentRegistry } from '../../engine/index.js';
import { GANTRY_VERSION } from '../version.js';
import { collectRouteDocs } from './openapi/index.js';
import { agentRoutes } from './routes/agents.js';
import { agentTokenRoutes } from './routes/agent-tokens.js';
import { infoRoutes, type ServerInfo } from './routes/info.js';
import { jobRoutes } from './routes/jobs.js';
import { rawLogRoutes } from './routes/logs-raw.js';
import { openApiRoutes } from './routes/openapi.js';
import type { ProjectFiles } from './routes/projects.js';
import { approvalRoutes, type ApprovalControl } from './routes/approvals.js';
import { artifactRoutes } from './routes/artifacts.js';
import { cacheRoutes } from './routes/caches.js';
import type { BlobFiles } from '../artifacts/index.js';
import type { RunStarter } from './run-creator.js';
import { zodValidatorCompiler } from './zod-schemas.js';

export interface HttpAppOptions {
  readonly store: Store;
  readonly logger: FastifyBaseLogger;
  readonly authenticators: readonly Authenticator[];
  readonly readiness: readonly ReadinessCheck[];
  /** Request ids (tests pass a counter). */
  readonly requestId?: () => string;
  /**
   * Routes that must see the raw request body (webhooks: signatures are checked over the exact
   * bytes before anything is parsed). Mounted under `/hooks` in their own scope, where every content
   * type arrives as a Buffer in `request.body`.
   */
  readonly rawBodyRoutes?: (scope: FastifyInstance) => void;
  /**
   * Starting runs: with it, the webhook routes (`/hooks/{forge}/{project}`) and the trigger route
   * (`POST /api/v1/projects/{project}/runs`) are mounted. The read routes need only the store.
   */
  readonly runs?: RunStarter;
  /** Ids of deliveries that failed authentication (default random UUIDs). */
  readonly newId?: () => string;
  /** With it, cancel and retry (`POST /api/v1/projects/{project}/runs/{number}/cancel|retry`) are mounted. */
  readonly runControl?: RunControl & ApprovalControl;
  /** With it, the live log stream (`.../jobs/{job}/logs/stream`, SSE) is mounted. */
  readonly live?: { readonly hub: LiveHub } & LogStreamRouteOptions;
  /** With it, login, refresh and logout (`/api/v1/auth/*`) are mounted (docs/auth.md). Users, tokens and members need only the store. */
  readonly accounts?: AuthRouteOptions;
  /** With it, `GET /metrics` is mounted and HTTP requests and webhook answers are counted (docs/metrics.md). */
  readonly metrics?: { readonly collector: ServerMetrics; readonly token?: string | undefined };
  /** With it, `/api/v1/agents` (list, pause, resume, drain) is mounted. */
  readonly agents?: AgentRegistry;
  /** With it, `GET /api/v1/info` is mounted. */
  readonly info?: Omit<ServerInfo, 'version'>;
  /** What a project leaves on disk (its mirror), removed with `DELETE /api/v1/projects/{name}`. */
  readonly projectFiles?: ProjectFiles;
  /** With it, the secrets API (`/api/v1/secrets`, `/api/v1/projects/{name}/secrets`) is mounted; values are sealed with it. */
  readonly secrets?: SecretBox;
  /** The built web UI (`dist/web`, see findWebRoot); with it, the UI is served at `/` (docs/ui.md). */
  readonly webRoot?: string;
  /** With it, a run's artifacts are listed and downloaded (`/api/v1/projects/{name}/runs/{number}/artifacts`). */
  readonly artifacts?: BlobFiles;
}

/**
 * The HTTP application, not listening: `inject()` in tests, `listen()` in the server.
 *
 * Layout: `/healthz`, `/readyz` · `/api/v1/*` (JSON API) · `/hooks/*` (webhooks, raw-body scope). Every route
 * declares its permission; auth, errors and validation are registered once here, before any route.
 */
export async function createHttpApp(options: HttpAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger,
    genReqId: options.requestId ?? (() => randomUUID()),
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    // Anything sent by clients before the app is ready must not reach a half-built router.
    return503OnClosing: true,
    // Job ids (matrix names such as `test (node: 20, os: linux)`) travel in paths; fastify's default is 100.
    routerOptions: { maxParamLength: 1024 },
  });
  app.setValidatorCompiler(zodValidatorCompiler);
  registerProblemHandlers(app);
  // Before auth, so refused requests carry their request id too.
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  registerAuth(app, options.authenticators, options.store);
  // Before the OpenAPI collector: the UI's files are not part of the API.
  if (options.webRoot) await uiRoutes(app, options.webRoot);
  // Before any route: every route registered from here on appears in /api/v1/openapi.json.
  const routeDocs = collectRouteDocs(app);
  if (options.metrics) registerHttpMetrics(app, options.metrics.collector);

  healthRoutes(app, options.readiness);
  if (options.metrics) metricsRoutes(app, { metrics: options.metrics.collector, token: options.metrics.token });
  await app.register(
    async (api) => {
      openApiRoutes(api, routeDocs, GANTRY_VERSION);
      if (options.info) infoRoutes(api, options.store, { ...options.info, version: GANTRY_VERSION });
      projectRoutes(api, options.store, options.projectFiles);
      runRoutes(api, options.store, options.runs);
      branchRoutes(api, options.store);
      jobRoutes(api, options.store);
      rawLogRoutes(api, options.store);
      deliveryRoutes(api, options.store, options.runs);
      userRoutes(api, options.store, options.accounts?.limiter);
      tokenRoutes(api, options.store, options.accounts?.now ?? Date.now);
      memberRoutes(api, options.store);
      if (options.accounts) authRoutes(api, options.store, options.accounts);
      if (options.agents) agentRoutes(api, options.store, options.agents);
      agentTokenRoutes(api, options.store);
      if (options.secrets) secretRoutes(api, options.store, options.secrets);
      if (options.artifacts) {
        artifactRoutes(api, options.store, options.artifacts);
        cacheRoutes(api, options.store, options.artifacts);
      }
      if (options.runControl) {
        runActionRoutes(api, options.store, options.runControl);
        approvalRoutes(api, options.store, options.runControl);
      }
      if (options.live) {
        logStreamRoutes(api, options.store, options.live.hub, options.live);
        runStreamRoutes(api, options.store, options.live.hub, options.live);
        projectStreamRoutes(api, options.store, options.live.hub, options.live);
        branchesStreamRoutes(api, options.store, options.live.hub, options.live);
      }
    },
    { prefix: '/api/v1' },
  );
  const { rawBodyRoutes, runs } = options;
  if (rawBodyRoutes || runs) {
    await app.register(
      async (hooks) => {
        hooks.removeAllContentTypeParsers();
        hooks.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
        if (runs) {
          const onAnswered = options.metrics?.collector.deliveryAnswered;
          webhookRoutes(hooks, { store: options.store, createRun: runs.createRun, newId: options.newId ?? (() => randomUUID()), ...(onAnswered && { onAnswered }) });
        }
        rawBodyRoutes?.(hooks);
      },
      { prefix: '/hooks' },
    );
  }
  await app.ready();
  return app;
}
