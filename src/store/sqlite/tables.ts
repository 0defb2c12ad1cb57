import type { Generated } from 'kysely';

/** Row shapes of the SQLite schema (snake_case, as stored). Mapping to port types is in rows.ts. */
export interface ProjectsTable {
  id: Generated<number>;
  name: string;
  repo_url: string;
  forge: string;
  webhook_secret: string | null;
  default_branch: string;
  poll_interval_ms: number | null;
  auto_cancel: number;
  max_concurrent_runs: number | null;
  priority: number;
  /** JSON array of environment names (migration 0006). */
  protected_environments: Generated<string>;
  /** Anonymous read (migration 0003). */
  public: Generated<number>;
  last_run_number: Generated<number>;
  created_at: number;
  updated_at: number;
}

export interface RunsTable {
  id: Generated<number>;
  project_id: number;
  number: number;
  event_name: string;
  branch: string | null;
  tag: string | null;
  sha: string;
  event_json: string;
  trigger_json: string;
  plan_json: string | null;
  status: string;
  reason: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
}

export interface JobsTable {
  id: Generated<number>;
  run_id: number;
  job_id: string;
  name: string;
  status: string;
  reason: string | null;
  attempt: number;
  queued_at: number | null;
  started_at: number | null;
  finished_at: number | null;
  outputs_json: string;
  updated_at: number;
}

export interface StepsTable {
  run_id: number;
  job_id: string;
  step: number;
  name: string;
  status: string;
  reason: string | null;
  exit_code: number | null;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
}

export interface DeliveriesTable {
  id: Generated<number>;
  project_id: number | null;
  forge: string;
  delivery_id: string;
  event: string;
  headers_json: string;
  body: Buffer;
  received_at: number;
  outcome: string;
  reason: string | null;
  run_id: number | null;
  redeliveries: Generated<number>;
  replay_of: number | null;
}

export interface LogLinesTable {
  run_id: number;
  job_id: string;
  seq: number;
  step: number | null;
  stream: string;
  line: string;
  ts: number;
}

export interface ApiTokensTable {
  id: Generated<number>;
  name: string;
  hash: string;
  created_at: number;
  last_used_at: number | null;
  /** Migration 0003: owner (null = bootstrap admin token), scope, expiry. */
  user_id: number | null;
  scope: Generated<string>;
  expires_at: number | null;
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  display_name: string | null;
  password_hash: string;
  admin: number;
  active: Generated<number>;
  created_at: number;
  updated_at: number;
}

export interface ProjectMembersTable {
  project_id: number;
  user_id: number;
  role: string;
  created_at: number;
}

export interface RefreshTokensTable {
  id: Generated<number>;
  user_id: number;
  family: string;
  hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  revoked_at: number | null;
}

export interface SecretsTable {
  id: Generated<number>;
  /** `instance` or `project:<id>` (migration 0004). */
  scope_key: string;
  project_id: number | null;
  name: string;
  sealed: string;
  created_at: number;
  updated_at: number;
}

export interface AgentTokensTable {
  id: Generated<number>;
  name: string;
  hash: string;
  created_at: number;
  last_used_at: number | null;
}

/** Migration 0008. */
export interface ArtifactsTable {
  id: Generated<number>;
  project_id: number;
  run_id: number;
  job_id: string;
  attempt: number;
  name: string;
  size_bytes: number;
  sha256: string;
  blob: string;
  created_at: number;
  expires_at: number;
}

/** Migration 0008. */
export interface CachesTable {
  id: Generated<number>;
  project_id: number;
  scope: string;
  key: string;
  size_bytes: number;
  sha256: string;
  blob: string;
  created_at: number;
  last_used_at: number;
}

export interface ServerStateTable {
  key: string;
  value_json: string;
  updated_at: number;
}

export interface Tables {
  projects: ProjectsTable;
  runs: RunsTable;
  jobs: JobsTable;
  steps: StepsTable;
  deliveries: DeliveriesTable;
  log_lines: LogLinesTable;
  api_tokens: ApiTokensTable;
  server_state: ServerStateTable;
  secrets: SecretsTable;
  users: UsersTable;
  project_members: ProjectMembersTable;
  refresh_tokens: RefreshTokensTable;
  agent_tokens: AgentTokensTable;
  artifacts: ArtifactsTable;
  caches: CachesTable;
}
