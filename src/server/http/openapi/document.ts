import { ERROR_CODES } from '../../../core/index.js';
import type { JsonSchema, RouteDoc } from './route-docs.js';

/**
 * The OpenAPI 3.1 document of the HTTP API, built from the routes' own declarations (collectRouteDocs):
 * their zod-made JSON Schemas become parameters, request bodies and responses; their permission
 * becomes `security` plus an `x-permission` extension; every route gets the problem+json errors it
 * can answer. Pure and deterministic (paths and methods sorted), so the committed docs/openapi.json
 * can be compared with what the app generates.
 */
export interface OpenApiInfo {
  readonly version: string;
}

const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'An error answer (RFC 9457) with Gantry\'s stable code; see docs/errors.md.',
  required: ['type', 'title', 'status', 'code', 'detail'],
  properties: {
    type: { type: 'string', description: 'https://gantry.dev/errors#CODE' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string', enum: Object.keys(ERROR_CODES).sort() },
    detail: { type: 'string' },
    problems: {
      type: 'array',
      description: 'API_INVALID_REQUEST: one entry per bad field.',
      items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } },
    },
    diagnostics: { type: 'array', description: 'RUN_BAD_INPUT / PIPELINE_INVALID: pipeline diagnostics.', items: { type: 'object' } },
    requestId: { type: 'string', description: 'Also on the server log lines of the request.' },
  },
};

const problem = (description: string) => ({ $ref: '#/components/responses/Problem', description });
const METHOD_ORDER = ['get', 'post', 'put', 'patch', 'delete'];

/** `/projects/:name/runs/:number` → `/projects/{name}/runs/{number}`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function properties(schema: JsonSchema | undefined): [string, JsonSchema][] {
  const props = (schema?.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(props);
}

function parameters(route: RouteDoc): unknown[] {
  const required = new Set((route.schema.querystring?.required as string[] | undefined) ?? []);
  const path = properties(route.schema.params).map(([name, schema]) => ({ name, in: 'path', required: true, schema }));
  const query = properties(route.schema.querystring).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema,
    ...(typeof schema.description === 'string' && { description: schema.description }),
  }));
  return [...path, ...query];
}

function successResponses(route: RouteDoc): Record<string, unknown> {
  const declared = Object.entries(route.schema.response ?? {}).filter(([status]) => /^2/.test(status));
  if (declared.length === 0) {
    // No response schema: a stream or text (`config.produces`), or an answer the route did not declare.
    return { '200': route.produces ? { description: 'OK', content: { [route.produces]: { schema: { type: 'string' } } } } : { description: 'OK (undeclared body)' } };
  }
  const out: Record<string, unknown> = {};
  for (const [status, schema] of declared) {
    out[status] = schema.type === 'null' ? { description: 'No content' } : { description: 'OK', content: { 'application/json': { schema } } };
  }
  return out;
}

function errorResponses(route: RouteDoc): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const { params, querystring, body } = route.schema;
  if (params || querystring || body) out['400'] = problem('API_INVALID_REQUEST: a bad path, query or body; `problems` names each field');
  if (route.permission === 'anyone') out['401'] = problem('AUTH_INVALID_TOKEN: a credential was sent and is not valid');
  else if (route.permission !== 'public') {
    out['401'] = problem('AUTH_REQUIRED / AUTH_INVALID_TOKEN');
    out['403'] = problem(`AUTH_FORBIDDEN: the caller lacks ${route.permission}`);
  }
  if (params) out['404'] = problem('The named project, run, job or other resource does not exist (or the caller may not see it)');
  out.default = problem('Any other error, with its code (docs/errors.md)');
  return out;
}

function operation(route: RouteDoc): Record<string, unknown> {
  const op: Record<string, unknown> = {};
  if (route.schema.summary) op.summary = route.schema.summary;
  if (route.schema.description) op.description = route.schema.description;
  op.operationId = `${route.method}${openApiPath(route.url).replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`;
  const params = parameters(route);
  if (params.length > 0) op.parameters = params;
  if (route.schema.body) op.requestBody = { required: true, content: { 'application/json': { schema: route.schema.body } } };
  op.responses = { ...successResponses(route), ...errorResponses(route) };
  // `anyone`: without a credential, or with one (an empty requirement object means "none").
  op.security = route.permission === 'public' ? [] : route.permission === 'anyone' ? [{}, { bearerAuth: [] }] : [{ bearerAuth: [] }];
  op['x-permission'] = route.permission;
  return op;
}

export function buildOpenApiDocument(routes: readonly RouteDoc[], info: OpenApiInfo): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const sorted = [...routes].sort((a, b) => a.url.localeCompare(b.url) || METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method));
  for (const route of sorted) {
    const path = (paths[openApiPath(route.url)] ??= {});
    path[route.method] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gantry API',
      version: info.version,
      description: 'Generated from the route declarations (npm run openapi). Prose, examples and pagination rules: docs/api.md.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token (or a session token): `Authorization: Bearer <token>`.' } },
      schemas: { Problem: PROBLEM_SCHEMA },
      responses: { Problem: { description: 'An error', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } } },
    },
  };
}
