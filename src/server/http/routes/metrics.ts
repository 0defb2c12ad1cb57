import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GantryError } from '../../../core/index.js';
import type { ServerMetrics } from '../../metrics/index.js';

export interface MetricsRouteOptions {
  readonly metrics: Pick<ServerMetrics, 'scrape'>;
  /** The `metricsToken` setting (GANTRY_METRICS_TOKEN). */
  readonly token?: string | undefined;
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * `GET /metrics`: Prometheus text format (docs/metrics.md).
 *
 * Who may scrape. Without `metricsToken` the route needs 'admin', like every instance-wide read.
 * With it, Prometheus scrapes with that one static bearer token and no user session or personal API
 * token to rotate: the route is then 'public' to the auth middleware (which would reject a credential
 * it does not know) and checks the token itself, before anything is collected. Both sides are hashed
 * first so the comparison is constant-time whatever the lengths.
 */
export function metricsRoutes(app: FastifyInstance, options: MetricsRouteOptions): void {
  const wanted = options.token === undefined ? undefined : digest(options.token);
  const checkToken = async (request: FastifyRequest): Promise<void> => {
    if (wanted === undefined) return;
    const header = request.headers.authorization;
    if (header === undefined) throw new GantryError('AUTH_REQUIRED', '/metrics needs the metrics token (Authorization: Bearer <GANTRY_METRICS_TOKEN>)');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match || !timingSafeEqual(digest(match[1]!), wanted)) throw new GantryError('AUTH_INVALID_TOKEN', 'the metrics token is not valid');
  };
  app.get(
    '/metrics',
    {
      config: { permission: wanted === undefined ? 'admin' : 'public', produces: 'text/plain' },
      onRequest: checkToken,
      schema: { summary: 'Prometheus metrics (text exposition format 0.0.4)' },
    },
    async (_request, reply) => {
      const { contentType, body } = await options.metrics.scrape();
      return reply.type(contentType).send(body);
    },
  );
}
