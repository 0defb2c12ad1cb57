import { ERROR_CODES, GantryError, type ErrorCode } from '../core/index.js';
import type {
  CreateProjectRequest, DeliveryDetailView, DeliveryList, HealthView, ListRunsQuery, LogPage, Problem, ProjectList, ProjectView,
  RunDetailView, RunList, TriggerRunRequest,
} from './types.js';
import { followLogs, type FollowEvent, type FollowOptions } from './log-follow.js';

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
  readonly runs: {
    /** Newest first; pass `nextCursor` as `before` for the next page. */
    list(project: string, query?: ListRunsQuery): Promise<RunList>;
    get(project: string, number: number): Promise<RunDetailView>;
    /** Starts a manual/api run (RUN_BAD_INPUT carries `details.diagnostics`). */
    trigger(project: string, input: TriggerRunRequest): Promise<RunDetailView>;
    /** A job's log lines with seq > `after`. */
    logs(project: string, number: number, job: string, options?: { after?: number; limit?: number }): Promise<LogPage>;
    /** Cancels a run: the run as it is then (`canceled`, or still `running` while its jobs stop); RUN_ALREADY_FINISHED when it ended otherwise. */
    cancel(project: string, number: number): Promise<RunDetailView>;
    /** Retries an ended run as a NEW run (returned); `failedOnly` runs again only the jobs that did not succeed. */
    retry(project: string, number: number, options?: { failedOnly?: boolean }): Promise<RunDetailView>;
    /**
     * A job's log live (SSE): every line with seq > `after` once, in order, then `end` when the job
     * ends; reconnects with Last-Event-ID when the connection drops. `break` stops it.
     */
    follow(project: string, number: number, job: string, options?: FollowOptions): AsyncGenerator<FollowEvent, void, undefined>;
  };
  readonly deliveries: {
    list(project: string, options?: { before?: number; limit?: number }): Promise<DeliveryList>;
    get(project: string, id: number): Promise<DeliveryDetailView>;
  };
}

/** `?a=1&b=x` from the defined values; arrays are comma-joined. */
function queryString(params: Record<string, string | number | readonly string[] | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    search.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

const projectPath = (project: string): string => `/api/v1/projects/${encodeURIComponent(project)}`;

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && typeof (value as Problem).code === 'string' && typeof (value as Problem).detail === 'string';
}

function errorFromProblem(problem: Problem): GantryError {
  const code: ErrorCode = problem.code in ERROR_CODES ? (problem.code as ErrorCode) : 'API_BAD_RESPONSE';
  const details: Record<string, unknown> = { status: problem.status };
  if (problem.problems) details.problems = problem.problems;
  if (problem.diagnostics) details.diagnostics = problem.diagnostics;
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

  function streamError(url: string, status: number, body: string): GantryError {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    if (isProblem(parsed)) return errorFromProblem(parsed);
    return new GantryError('API_BAD_RESPONSE', `GET ${url} answered ${status} without a Gantry event stream`, { details: { status } });
  }

  return {
    health: () => request<HealthView>('GET', '/healthz'),
    projects: {
      create: (input) => request<ProjectView>('POST', '/api/v1/projects', input),
      list: async () => (await request<ProjectList>('GET', '/api/v1/projects')).projects,
      get: (name) => request<ProjectView>('GET', `/api/v1/projects/${encodeURIComponent(name)}`),
    },
    runs: {
      list: (project, query = {}) =>
        request<RunList>('GET', `${projectPath(project)}/runs${queryString({ status: query.status, branch: query.branch, event: query.event, before: query.before, limit: query.limit })}`),
      get: (project, number) => request<RunDetailView>('GET', `${projectPath(project)}/runs/${number}`),
      trigger: (project, input) => request<RunDetailView>('POST', `${projectPath(project)}/runs`, input),
      logs: (project, number, job, options = {}) =>
        request<LogPage>('GET', `${projectPath(project)}/runs/${number}/jobs/${encodeURIComponent(job)}/logs${queryString({ after: options.after, limit: options.limit })}`),
      cancel: (project, number) => request<RunDetailView>('POST', `${projectPath(project)}/runs/${number}/cancel`, {}),
      retry: (project, number, retryOptions = {}) =>
        request<RunDetailView>('POST', `${projectPath(project)}/runs/${number}/retry`, { failedOnly: retryOptions.failedOnly === true }),
      follow: (project, number, job, followOptions = {}) => {
        const url = `${base}${projectPath(project)}/runs/${number}/jobs/${encodeURIComponent(job)}/logs/stream`;
        return followLogs({ url, token: options.token, fetch: doFetch, toError: (status, body) => streamError(url, status, body) }, followOptions);
      },
    },
    deliveries: {
      list: (project, options = {}) => request<DeliveryList>('GET', `${projectPath(project)}/deliveries${queryString({ before: options.before, limit: options.limit })}`),
      get: (project, id) => request<DeliveryDetailView>('GET', `${projectPath(project)}/deliveries/${id}`),
    },
  };
}
