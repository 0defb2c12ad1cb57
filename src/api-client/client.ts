import { ERROR_CODES, GantryError, type ErrorCode } from '../core/index.js';
import type { CreateProjectRequest, HealthView, Problem, ProjectList, ProjectView } from './types.js';

export interface ApiClientOptions {
  /** e.g. `http://127.0.0.1:8080` (a trailing slash is fine). */
  readonly baseUrl: string;
  readonly token?: string | undefined;
  /** Per request; default 30 s. */
  readonly timeoutMs?: number;
  /** Injected for tests; default the global fetch. */
  readonly fetch?: typeof fetch;
}

export interface ApiClient {
  health(): Promise<HealthView>;
  readonly projects: {
    create(input: CreateProjectRequest): Promise<ProjectView>;
    list(): Promise<ProjectView[]>;
    get(name: string): Promise<ProjectView>;
  };
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && typeof (value as Problem).code === 'string' && typeof (value as Problem).detail === 'string';
}

function errorFromProblem(problem: Problem): GantryError {
  const code: ErrorCode = problem.code in ERROR_CODES ? (problem.code as ErrorCode) : 'API_BAD_RESPONSE';
  const details: Record<string, unknown> = { status: problem.status };
  if (problem.problems) details.problems = problem.problems;
  if (problem.requestId) details.requestId = problem.requestId;
  return new GantryError(code, problem.detail, { details });
}

/**
 * A small typed client of the REST API over fetch. Every failure is a GantryError: the server's own
 * code for problem answers, API_UNREACHABLE when nothing answers, API_BAD_RESPONSE when something
 * that is not Gantry answers. Safe to use concurrently; no retries (callers decide).
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (err as Error).message;
      throw new GantryError('API_UNREACHABLE', `cannot reach the Gantry server at ${base} (${reason})`, {
        cause: err,
        details: { hint: 'is `gantry server` running? Set the URL with --server or GANTRY_SERVER' },
      });
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (response.ok && parsed !== undefined) return parsed as T;
    if (isProblem(parsed)) throw errorFromProblem(parsed);
    throw new GantryError('API_BAD_RESPONSE', `${method} ${base}${path} answered ${response.status} without a Gantry API body`, {
      details: { status: response.status, hint: 'check that --server / GANTRY_SERVER points at a Gantry server' },
    });
  }

  return {
    health: () => request<HealthView>('GET', '/healthz'),
    projects: {
      create: (input) => request<ProjectView>('POST', '/api/v1/projects', input),
      list: async () => (await request<ProjectList>('GET', '/api/v1/projects')).projects,
      get: (name) => request<ProjectView>('GET', `/api/v1/projects/${encodeURIComponent(name)}`),
    },
  };
}
