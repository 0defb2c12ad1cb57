import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, GantryError, type ErrorCode } from '../../core/index.js';
import type { Problem } from '../../api-client/index.js';

/**
 * Every error leaves the server as `application/problem+json` with a code from the registry, and the
 * status comes from that registry too: ONE place maps errors to answers. Unexpected faults are
 * logged with their stack and answered as SYSTEM_INTERNAL without internals (the request id links
 * the answer to the log line).
 */
export const PROBLEM_TYPE_BASE = 'https://gantry.dev/errors#';

const TITLES: Partial<Record<ErrorCode, string>> = {
  AUTH_REQUIRED: 'Authentication required',
  AUTH_INVALID_TOKEN: 'Invalid token',
  AUTH_FORBIDDEN: 'Forbidden',
  API_INVALID_REQUEST: 'Invalid request',
  API_NOT_FOUND: 'Not found',
  PROJECT_NOT_FOUND: 'Project not found',
  PROJECT_EXISTS: 'Project already exists',
  STORE_UNAVAILABLE: 'Store unavailable',
  WEBHOOK_BAD_SIGNATURE: 'Bad webhook signature',
  WEBHOOK_FORGE_MISMATCH: 'Wrong forge for this project',
  WEBHOOK_INVALID_PAYLOAD: 'Invalid webhook payload',
  WEBHOOK_TOO_LARGE: 'Webhook body too large',
  RUN_NOT_FOUND: 'Run not found',
  RUN_JOB_NOT_FOUND: 'Job not found',
  RUN_BAD_INPUT: 'Invalid run inputs',
  RUN_NOT_TRIGGERED: 'Event not accepted by the pipeline',
  DELIVERY_NOT_FOUND: 'Delivery not found',
  GIT_FETCH_FAILED: 'Repository unreachable',
  SYSTEM_INTERNAL: 'Internal error',
};

/** `status` overrides the registry's only for Fastify's own client errors (413, 415…). */
export function problemOf(err: GantryError, requestId?: string, status?: number): Problem {
  const info = ERROR_CODES[err.code];
  const problem: Problem = {
    type: `${PROBLEM_TYPE_BASE}${err.code}`,
    title: TITLES[err.code] ?? info.description,
    status: status ?? info.status,
    code: err.code,
    detail: err.message,
  };
  const fields = err.details?.problems;
  if (Array.isArray(fields) && err.code === 'API_INVALID_REQUEST') problem.problems = fields as Problem['problems'];
  const diagnostics = err.details?.diagnostics;
  if (Array.isArray(diagnostics) && (err.code === 'RUN_BAD_INPUT' || err.code === 'PIPELINE_INVALID')) problem.diagnostics = diagnostics as Problem['diagnostics'];
  if (requestId !== undefined) problem.requestId = requestId;
  return problem;
}

export function sendProblem(reply: FastifyReply, err: GantryError, status?: number): FastifyReply {
  const problem = problemOf(err, String(reply.request.id), status);
  if (err.code === 'AUTH_REQUIRED' || err.code === 'AUTH_INVALID_TOKEN') reply.header('www-authenticate', 'Bearer');
  const retryAfter = err.details?.retryAfterSeconds;
  if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  // Serialized here, not by a route's response schema: a problem must never be filtered to `{}`.
  return reply.code(problem.status).type('application/problem+json').serializer(JSON.stringify).send(problem);
}

/** Fastify's own client errors (bad JSON, wrong content type, body too large) as API_INVALID_REQUEST. */
function fromFastify(err: FastifyError): GantryError {
  return new GantryError('API_INVALID_REQUEST', err.message, { details: { fastifyCode: err.code } });
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | GantryError, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof GantryError) {
      if (err.status >= 500) request.log.error({ err }, err.message);
      return sendProblem(reply, err);
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendProblem(reply, fromFastify(err), status);
    request.log.error({ err }, 'unexpected error');
    return sendProblem(reply, new GantryError('SYSTEM_INTERNAL', `internal error; the server log has the details under request id ${request.id}`));
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, new GantryError('API_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );
}
