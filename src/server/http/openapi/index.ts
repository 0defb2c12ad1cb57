/**
 * The OpenAPI 3.1 document, generated from the routes themselves.
 *
 *   collectRouteDocs(app)               records every route registered after it (any scope)
 *   buildOpenApiDocument(routes, info)  the document (pure, sorted: stable for a committed copy)
 */
export { collectRouteDocs, type RouteDoc, type RouteSchema, type JsonSchema } from './route-docs.js';
export { buildOpenApiDocument, openApiPath, type OpenApiInfo } from './document.js';
