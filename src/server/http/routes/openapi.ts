import type { FastifyInstance } from 'fastify';
import { buildOpenApiDocument, type RouteDoc } from '../openapi/index.js';

/**
 * `GET /openapi.json` (public): the API's OpenAPI 3.1 document, built from the routes on first
 * request (every route is registered by then) and kept. Public because it describes the API, not
 * data; docs/openapi.json is the committed copy.
 */
export function openApiRoutes(app: FastifyInstance, routes: readonly RouteDoc[], version: string): void {
  let document: string | undefined;
  app.get('/openapi.json', { config: { permission: 'public' }, schema: { summary: 'This OpenAPI document' } }, async (_request, reply) => {
    document ??= JSON.stringify(buildOpenApiDocument(routes, { version }), null, 2) + '\n';
    return reply.type('application/json; charset=utf-8').send(document);
  });
}
