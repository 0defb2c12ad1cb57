import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Store } from '../../store/index.js';
import { registerAuth, type Authenticator } from './auth.js';
import { registerProblemHandlers } from './problem.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';
import { projectRoutes } from './routes/projects.js';
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
}

/**
 * The HTTP application, not listening: `inject()` in tests, `listen()` in the server.
 *
 * Layout: `/healthz`, `/readyz` · `/api/v1/*` (JSON API) · `/hooks/*` (raw-body scope). Every route
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
    },
    { prefix: '/api/v1' },
  );
  const rawBodyRoutes = options.rawBodyRoutes;
  if (rawBodyRoutes) {
    await app.register(
      async (hooks) => {
        hooks.removeAllContentTypeParsers();
        hooks.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
        rawBodyRoutes(hooks);
      },
      { prefix: '/hooks' },
    );
  }
  await app.ready();
  return app;
}
