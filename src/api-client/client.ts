import { ERROR_CODES, GantryError, type ErrorCode } from '../core/index.js';
import type {
  AgentList, AgentView, ArtifactList, ArtifactView, CacheList, CreateProjectRequest, DeliveryDetailView, DeliveryList, HealthView, JobList, JobView, ListRunsQuery, LogPage, PatchProjectRequest, Problem,
  ProjectList, ProjectView, ReplayAnswer, ServerInfoView,
  RunDetailView, RunList, TriggerRunRequest,
} from './types.js';
import type { SecretList, SecretView } from './secret-types.js';
import type {
  AgentTokenView, CreatedTokenView, CreateTokenRequest, CreateUserRequest, LoginView, MemberView, MeView, PatchUserRequest, ProjectRoleName, TokenView, UserView,
} from './account-types.js';
import { followLogs, type FollowEvent, type FollowOptions } from './log-follow.js';
import { watchRun, type WatchEvent, type WatchOptions } from './run-watch.js';

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
    update(name: string, patch: PatchProjectRequest): Promise<ProjectView>;
    /** Deletes the project with its runs, logs and deliveries (PROJECT_HAS_ACTIVE_RUNS while runs are active). */
    remove(name: string): Promise<void>;
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
    /** Approves or rejects a job waiting for approval; the run as it is then. */
    decide(project: string, number: number, job: string, decision: 'approve' | 'reject', options?: { comment?: string }): Promise<RunDetailView>;
    /**
     * A job's log live (SSE): every line with seq > `after` once, in order, then `end` when the job
     * ends; reconnects with Last-Event-ID when the connection drops. `break` stops it.
     */
    follow(project: string, number: number, job: string, options?: FollowOptions): AsyncGenerator<FollowEvent, void, undefined>;
    /** The run live (SSE): the whole run now and after every change, then `end` with the final run. */
    watch(project: string, number: number, options?: WatchOptions): AsyncGenerator<WatchEvent, void, undefined>;
  };
  readonly deliveries: {
    list(project: string, options?: { before?: number; limit?: number }): Promise<DeliveryList>;
    get(project: string, id: number): Promise<DeliveryDetailView>;
    /** Re-processes a stored delivery: a NEW delivery (and a new run when the event makes one). */
    replay(project: string, id: number): Promise<ReplayAnswer>;
  };
  readonly jobs: {
    list(project: string, run: number): Promise<JobView[]>;
    get(project: string, run: number, job: string): Promise<JobView>;
  };
  /** A run's artifacts (docs/artifacts.md). */
  readonly artifacts: {
    list(project: string, run: number): Promise<ArtifactView[]>;
    /** The archive (tar.gz) as it streams in; the timeout covers the answer's start, not the whole body. */
    download(project: string, run: number, id: number): Promise<ReadableStream<Uint8Array>>;
  };
  /** A project's cache entries (docs/artifacts.md). */
  readonly caches: {
    list(project: string): Promise<CacheList>;
    remove(project: string, id: number): Promise<void>;
  };
  readonly agents: {
    list(): Promise<AgentView[]>;
    pause(id: string): Promise<AgentView>;
    resume(id: string): Promise<AgentView>;
    drain(id: string): Promise<AgentView>;
  };
  readonly server: {
    info(): Promise<ServerInfoView>;
  };
  /** Instance secrets, or a project's with `project` (docs/secrets.md). Values go in and never come back. */
  readonly secrets: {
    set(name: string, value: string, options?: { project?: string | undefined }): Promise<SecretView>;
    remove(name: string, options?: { project?: string | undefined }): Promise<void>;
    /** Names and times only. */
    list(options?: { project?: string | undefined }): Promise<SecretView[]>;
  };
  /** Login with a password; refresh and logout with the refresh token (docs/auth.md). */
  readonly auth: {
    login(username: string, password: string): Promise<LoginView>;
    refresh(refreshToken: string): Promise<LoginView>;
    logout(refreshToken: string): Promise<void>;
  };
  /** Who the token belongs to, with their project roles. */
  me(): Promise<MeView>;
  /** Instance admins only. */
  readonly users: {
    list(): Promise<UserView[]>;
    create(input: CreateUserRequest): Promise<UserView>;
    update(username: string, patch: PatchUserRequest): Promise<UserView>;
    remove(username: string): Promise<void>;
  };
  /** Personal API tokens; `all` (admins) lists everyone's. */
  readonly tokens: {
    create(input: CreateTokenRequest): Promise<CreatedTokenView>;
    list(options?: { all?: boolean }): Promise<TokenView[]>;
    revoke(id: number): Promise<void>;
  };
  /** Tokens of remote agents (admin); `create` answers the token, shown once. */
  readonly agentTokens: {
    create(name: string): Promise<AgentTokenView & { token: string }>;
    list(): Promise<AgentTokenView[]>;
    revoke(id: number): Promise<void>;
  };
  /** Project roles: read needs project:read, changes project:manage. */
  readonly members: {
    list(project: string): Promise<MemberView[]>;
    set(project: string, username: string, role: ProjectRoleName): Promise<MemberView>;
    remove(project: string, username: string): Promise<void>;
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
const secretsPath = (project: string | undefined): string => (project === undefined ? '/api/v1/secrets' : `${projectPath(project)}/secrets`);

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
    if (response.status === 204) return undefined as T;
    if (response.ok && parsed !== undefined) return parsed as T;
    if (isProblem(parsed)) throw errorFromProblem(parsed);
    throw new GantryError('API_BAD_RESPONSE', `${method} ${base}${path} answered ${response.status} without a Gantry API body`, {
      details: { status: response.status, hint: 'check that --server / GANTRY_SERVER points at a Gantry server' },
    });
  }

  async function download(path: string): Promise<ReadableStream<Uint8Array>> {
    const headers: Record<string, string> = { accept: 'application/gzip, application/problem+json' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const started = new AbortController();
    const timer = setTimeout(() => started.abort(), timeoutMs);
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, { headers, signal: started.signal });
    } catch (err) {
      throw new GantryError('API_UNREACHABLE', `cannot reach the Gantry server at ${base} (${(err as Error).message})`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
    if (response.ok && response.body) return response.body;
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (isProblem(parsed)) throw errorFromProblem(parsed);
    throw new GantryError('API_BAD_RESPONSE', `GET ${base}${path} answered ${response.status} without a Gantry API body`, { details: { status: response.status } });
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
      get: (name) => request<ProjectView>('GET', projectPath(name)),
      update: (name, patch) => request<ProjectView>('PATCH', projectPath(name), patch),
      remove: (name) => request<void>('DELETE', projectPath(name)),
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
      decide: (project, number, job, decision, decideOptions = {}) =>
        request<RunDetailView>('POST', `${projectPath(project)}/runs/${number}/jobs/${encodeURIComponent(job)}/${decision}`, decideOptions.comment === undefined ? {} : { comment: decideOptions.comment }),
      follow: (project, number, job, followOptions = {}) => {
        const url = `${base}${projectPath(project)}/runs/${number}/jobs/${encodeURIComponent(job)}/logs/stream`;
        return followLogs({ url, token: options.token, fetch: doFetch, toError: (status, body) => streamError(url, status, body) }, followOptions);
      },
      watch: (project, number, watchOptions = {}) => {
        const url = `${base}${projectPath(project)}/runs/${number}/stream`;
        return watchRun({ url, token: options.token, fetch: doFetch, toError: (status, body) => streamError(url, status, body) }, watchOptions);
      },
    },
    deliveries: {
      list: (project, options = {}) => request<DeliveryList>('GET', `${projectPath(project)}/deliveries${queryString({ before: options.before, limit: options.limit })}`),
      get: (project, id) => request<DeliveryDetailView>('GET', `${projectPath(project)}/deliveries/${id}`),
      replay: (project, id) => request<ReplayAnswer>('POST', `${projectPath(project)}/deliveries/${id}/replay`, {}),
    },
    jobs: {
      list: async (project, run) => (await request<JobList>('GET', `${projectPath(project)}/runs/${run}/jobs`)).jobs,
      get: (project, run, job) => request<JobView>('GET', `${projectPath(project)}/runs/${run}/jobs/${encodeURIComponent(job)}`),
    },
    artifacts: {
      list: async (project, run) => (await request<ArtifactList>('GET', `${projectPath(project)}/runs/${run}/artifacts`)).artifacts,
      download: (project, run, id) => download(`${projectPath(project)}/runs/${run}/artifacts/${id}`),
    },
    caches: {
      list: (project) => request<CacheList>('GET', `${projectPath(project)}/caches`),
      remove: (project, id) => request<void>('DELETE', `${projectPath(project)}/caches/${id}`),
    },
    agents: {
      list: async () => (await request<AgentList>('GET', '/api/v1/agents')).agents,
      pause: (id) => request<AgentView>('POST', `/api/v1/agents/${encodeURIComponent(id)}/pause`, {}),
      resume: (id) => request<AgentView>('POST', `/api/v1/agents/${encodeURIComponent(id)}/resume`, {}),
      drain: (id) => request<AgentView>('POST', `/api/v1/agents/${encodeURIComponent(id)}/drain`, {}),
    },
    server: {
      info: () => request<ServerInfoView>('GET', '/api/v1/info'),
    },
    secrets: {
      set: (name, value, o) => request<SecretView>('PUT', `${secretsPath(o?.project)}/${encodeURIComponent(name)}`, { value }),
      remove: (name, o) => request<void>('DELETE', `${secretsPath(o?.project)}/${encodeURIComponent(name)}`),
      list: async (o) => (await request<SecretList>('GET', secretsPath(o?.project))).secrets,
    },
    auth: {
      login: (username, password) => request<LoginView>('POST', '/api/v1/auth/login', { username, password }),
      refresh: (refreshToken) => request<LoginView>('POST', '/api/v1/auth/refresh', { refreshToken }),
      logout: (refreshToken) => request<void>('POST', '/api/v1/auth/logout', { refreshToken }),
    },
    me: () => request<MeView>('GET', '/api/v1/me'),
    users: {
      list: async () => (await request<{ users: UserView[] }>('GET', '/api/v1/users')).users,
      create: (input) => request<UserView>('POST', '/api/v1/users', input),
      update: (username, patch) => request<UserView>('PATCH', `/api/v1/users/${encodeURIComponent(username)}`, patch),
      remove: (username) => request<void>('DELETE', `/api/v1/users/${encodeURIComponent(username)}`),
    },
    tokens: {
      create: (input) => request<CreatedTokenView>('POST', '/api/v1/tokens', input),
      list: async (o = {}) => (await request<{ tokens: TokenView[] }>('GET', `/api/v1/tokens${o.all ? '?all=true' : ''}`)).tokens,
      revoke: (id) => request<void>('DELETE', `/api/v1/tokens/${id}`),
    },
    agentTokens: {
      create: (name) => request<AgentTokenView & { token: string }>('POST', '/api/v1/agent-tokens', { name }),
      list: async () => (await request<{ tokens: AgentTokenView[] }>('GET', '/api/v1/agent-tokens')).tokens,
      revoke: (id) => request<void>('DELETE', `/api/v1/agent-tokens/${id}`),
    },
    members: {
      list: async (project) => (await request<{ members: MemberView[] }>('GET', `${projectPath(project)}/members`)).members,
      set: (project, username, role) => request<MemberView>('PUT', `${projectPath(project)}/members/${encodeURIComponent(username)}`, { role }),
      remove: (project, username) => request<void>('DELETE', `${projectPath(project)}/members/${encodeURIComponent(username)}`),
    },
  };
}
