import type { FastifyInstance } from 'fastify';
import type { ServerMetrics } from './server-metrics.js';

/** Label for requests no route matched (scanners, typos): one series, whatever the URL was. */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * Times every HTTP response into `gantry_http_request_duration_seconds`. Register before the routes.
 * The route label is the route's pattern, so `/api/v1/projects/a/runs/7` and `…/b/runs/9` are one series.
 */
export function registerHttpMetrics(app: FastifyInstance, metrics: Pick<ServerMetrics, 'httpRequest'>): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequest(request.method, request.routeOptions.url ?? UNMATCHED_ROUTE, reply.statusCode, reply.elapsedTime / 1000);
  });
}
