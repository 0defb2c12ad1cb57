import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Store } from '../../store/index.js';
import { registerAuth, type Authenticator } from './auth.js';
import { registerProblemHandlers } from './problem.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';
import { deliveryRoutes } from './routes/deliveries.js';
import { logStreamRoutes, type LogStreamRouteOptions } from './routes/log-stream.js';
import type { LiveHub } from '../live/index.js';
import { webhookRoutes } from './routes/hooks.js';
import { projectRoutes } from './routes/projects.js';
import { runRoutes } from './routes/runs.js';
import { runActionRoutes, type RunControl } from './routes/run-actions.js';
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
  readonly runControl?: RunControl;
  /** With it, the live log stream (`.../jobs/{job}/logs/stream`, SSE) is mounted. */
  readonly live?: { readonly hub: LiveHub } & LogStreamRouteOptions;
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
  });
  app.setValidatorCompiler(zodValidatorCompiler);
  registerProblemHandlers(app);
  registerAuth(app, options.authenticators);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  healthRoutes(app, options.readiness);
  await app.register(
    async (api) => {
      projectRoutes(api, options.store);
      runRoutes(api, options.store, options.runs);
      deliveryRoutes(api, options.store);
      if (options.runControl) runActionRoutes(api, options.store, options.runControl);
      if (options.live) logStreamRoutes(api, options.store, options.live.hub, options.live);
    },
    { prefix: '/api/v1' },
  );
  const { rawBodyRoutes, runs } = options;
  if (rawBodyRoutes || runs) {
    await app.register(
      async (hooks) => {
        hooks.removeAllContentTypeParsers();
        hooks.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
        if (runs) webhookRoutes(hooks, { store: options.store, createRun: runs.createRun, newId: options.newId ?? (() => randomUUID()) });
        rawBodyRoutes?.(hooks);
      },
      { prefix: '/hooks' },
    );
  }
  await app.ready();
  return app;
}
