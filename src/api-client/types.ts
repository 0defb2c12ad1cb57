/**
 * The REST API's wire types (JSON), shared by the server's routes (which check their output against
 * them at compile time), this client, the CLI and the tests.
 */
export type ForgeKindName = 'github' | 'gitea' | 'gitlab' | 'generic';

/** An error answer, `application/problem+json` (RFC 9457) with Gantry's stable code. */
export interface Problem {
  /** `https://gantry.dev/errors#CODE` — a link to the code's entry in docs/errors.md. */
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  /** Field-level problems for API_INVALID_REQUEST: `{ field: "name", message: "…" }`. */
  problems?: { field: string; message: string }[];
  /** RUN_BAD_INPUT / PIPELINE_INVALID: the pipeline diagnostics (`file`, `line`, `column`, `code`, `message`…). */
  diagnostics?: DiagnosticView[];
  requestId?: string;
}

export interface DiagnosticView {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  file: string;
  line: number;
  column: number;
  path: string;
  hint?: string;
}

export interface ProjectSettingsView {
  autoCancel: boolean;
  maxConcurrentRuns: number | null;
  priority: number;
  /** Jobs deploying to these environments wait for a maintainer's approval. */
  protectedEnvironments: string[];
  /** Anyone may read the project, its runs and logs without an account. */
  public: boolean;
}

export interface ProjectView {
  id: number;
  name: string;
  repoUrl: string;
  forge: ForgeKindName;
  /** The webhook secret itself is never returned. */
  hasSecret: boolean;
  defaultBranch: string;
  /** Polling interval in milliseconds; null = not polled. */
  pollIntervalMs: number | null;
  settings: ProjectSettingsView;
  /** ISO 8601. */
  createdAt: string;
  updatedAt: string;
}

export interface CreateProjectRequest {
  /** Lowercase letters, digits, `-`, `_`, `.`; starts with a letter or digit; at most 64 characters. */
  name: string;
  /** Local absolute path, file://, http(s)://, ssh://, or scp-like `git@host:path`. */
  repoUrl: string;
  /** Default `generic`. */
  forge?: ForgeKindName;
  /** Webhook secret (HMAC key, or GitLab's token). */
  secret?: string | null;
  /** Default `main`. */
  defaultBranch?: string;
  /** `5m`, `1h`, a number of seconds, or null for no polling. */
  pollInterval?: string | number | null;
  settings?: Partial<ProjectSettingsView>;
}

export interface ProjectList {
  projects: ProjectView[];
}

export interface HealthView {
  status: 'ok';
}

export type StatusName = 'queued' | 'waiting' | 'running' | 'success' | 'failure' | 'canceled' | 'skipped' | 'error';
export type EventKindName = 'push' | 'pull_request' | 'tag' | 'cron' | 'manual' | 'api';

/** A run as lists show it. Times are ISO 8601; null until they happen. */
export interface RunView {
  id: number;
  /** Per project: #1, #2, … */
  number: number;
  project: string;
  status: StatusName;
  /** Why the run waits, was skipped, canceled or errored; null when there is nothing to say. */
  reason: string | null;
  event: EventKindName;
  branch: string | null;
  /** pull_request: the branch the request targets. */
  baseBranch: string | null;
  tag: string | null;
  sha: string;
  message: string | null;
  author: string | null;
  /** manual/api runs: the inputs given. */
  inputs: Record<string, string>;
  trigger: { kind: string; actor: string | null; delivery: number | null; retryOf: number | null };
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
  durationMs: number | null;
}

export interface StepView {
  /** 0-based position in the job. */
  index: number;
  name: string;
  status: StatusName;
  reason: string | null;
  exitCode: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
}

export interface JobView {
  /** The plan's job id (matrix jobs: `test (node: 20)`); URL-encode it in paths. */
  id: string;
  name: string;
  status: StatusName;
  /** Why it waits or was skipped ("needs build failed", "3 higher-priority jobs ahead"). */
  reason: string | null;
  /** 1-based; 0 = not attempted yet. */
  attempt: number;
  needs: string[];
  queuedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  outputs: Record<string, string>;
  steps: StepView[];
  /** The deploy target (`environment:` in the pipeline), if any. */
  environment: string | null;
  /** The decision on a job that deploys to a protected environment, once made. */
  approval: ApprovalView | null;
}

export interface ApprovalView {
  decision: 'approved' | 'rejected';
  actor: string;
  comment: string | null;
  decidedAt: string;
}

export interface RunDetailView extends RunView {
  jobs: JobView[];
}

export interface RunList {
  runs: RunView[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextCursor: number | null;
}

export interface ListRunsQuery {
  /** One status or several (comma-separated on the wire). */
  status?: StatusName | StatusName[];
  branch?: string;
  event?: EventKindName;
  before?: number;
  limit?: number;
}

/** `POST /api/v1/projects/{project}/runs`: start a run by hand or from a script. */
export interface TriggerRunRequest {
  /** Default: the project's default branch (when neither tag nor sha is given). */
  branch?: string;
  tag?: string;
  /** A full commit id; with `branch` it names the branch the commit is built as. */
  sha?: string;
  inputs?: Record<string, string>;
  /** Default `api`. */
  event?: 'manual' | 'api';
}

export interface LogLineView {
  seq: number;
  /** Step index, or null for job-level lines (checkout…). */
  step: number | null;
  stream: 'stdout' | 'stderr' | 'system';
  line: string;
  /** ISO 8601. */
  time: string;
}

export interface LogPage {
  lines: LogLineView[];
  /** Pass as `after` to read on; the highest seq returned (or the `after` given when no line came). */
  next: number;
}

export type DeliveryOutcomeName = 'accepted' | 'ignored' | 'rejected' | 'duplicate';

export interface DeliveryView {
  id: number;
  forge: ForgeKindName;
  /** The forge's delivery id; `unverified-…` for deliveries whose signature did not check out. */
  deliveryId: string;
  /** The forge's event name (`push`, `Merge Request Hook`…). */
  event: string;
  receivedAt: string;
  outcome: DeliveryOutcomeName;
  reason: string | null;
  /** Number of the run it created, if any. */
  run: number | null;
  redeliveries: number;
  /** For a replay (`POST …/deliveries/{id}/replay`): the id of the delivery it re-processed. */
  replayOf: number | null;
}

/** What a replay answers: the NEW delivery recording it, and the run it created, if any. */
export interface ReplayAnswer {
  delivery: DeliveryView;
  run: number | null;
}

/** `PATCH /projects/{name}`: absent fields keep their value; `null` clears a nullable one. */
export interface PatchProjectRequest {
  repoUrl?: string;
  forge?: ForgeKindName;
  webhookSecret?: string | null;
  defaultBranch?: string;
  /** A duration (`5m`), seconds, or null to stop polling. */
  pollInterval?: string | number | null;
  settings?: Partial<Omit<ProjectSettingsView, 'maxConcurrentRuns'>> & { maxConcurrentRuns?: number | null };
}

export interface JobList {
  jobs: JobView[];
}

/** An artifact a job of the run uploaded (docs/artifacts.md). */
export interface ArtifactView {
  id: number;
  jobId: string;
  name: string;
  sizeBytes: number;
  /** Hex sha256 of the archive. */
  sha256: string;
  createdAt: string;
  /** When retention deletes it. */
  expiresAt: string;
}

export interface ArtifactList {
  artifacts: ArtifactView[];
}

/** A cache entry of a project: immutable; deleting it lets the next run save a fresh one. */
export interface CacheView {
  id: number;
  /** `branch:<name>`, `tag:<name>` or `pr:<number>`. */
  scope: string;
  key: string;
  sizeBytes: number;
  createdAt: string;
  lastUsedAt: string;
}

export interface CacheList {
  caches: CacheView[];
  totalBytes: number;
}

export type AgentStateName = 'idle' | 'busy' | 'paused' | 'draining';

export interface AgentView {
  id: string;
  name: string;
  kind: 'embedded' | 'remote';
  /** paused / draining (no new jobs), else busy while it runs a job, else idle. */
  state: AgentStateName;
  labels: string[];
  capacity: number;
  running: { project: string | null; run: number | null; job: string; since: string }[];
  lastSeenAt: string;
}

export interface AgentList {
  agents: AgentView[];
}

export interface ServerInfoView {
  version: string;
  store: 'sqlite' | 'postgres';
  embeddedAgent: boolean;
  startedAt: string;
  uptimeMs: number;
}

export interface DeliveryDetailView extends DeliveryView {
  /** As received, names lowercased, minus signatures, tokens and cookies. */
  headers: Record<string, string>;
  /** The body as text when it is UTF-8, else base64. */
  body: string;
  bodyEncoding: 'utf8' | 'base64';
  bodyBytes: number;
}

export interface DeliveryList {
  deliveries: DeliveryView[];
  nextCursor: number | null;
}

/** What a webhook delivery was answered. */
export interface WebhookAnswer {
  status: 'accepted' | 'ignored' | 'duplicate' | 'pong';
  /** The run number created (accepted) or created earlier (duplicate). */
  run?: number | null;
  reason?: string;
  /** The stored delivery's id (GET …/deliveries/{id}). */
  delivery?: number;
}
