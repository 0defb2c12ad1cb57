-- Generated: the SQLite schema after every migration. Do not edit; run
--   UPDATE_SCHEMA=1 node scripts/run-tests.mjs src/store/sqlite/sqlite-migrations.int.test.ts

CREATE INDEX api_tokens_by_user ON api_tokens (user_id);

CREATE INDEX artifacts_expires ON artifacts (expires_at);

CREATE INDEX caches_lru ON caches (project_id, last_used_at);

CREATE INDEX deliveries_by_project ON deliveries (project_id, received_at, id);

CREATE INDEX deliveries_by_replay_of ON deliveries (replay_of);

CREATE INDEX deliveries_by_run ON deliveries (run_id);

CREATE UNIQUE INDEX deliveries_once ON deliveries (forge, ifnull(project_id, 0), delivery_id);

CREATE INDEX project_members_by_user ON project_members (user_id);

CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family);

CREATE INDEX runs_by_branch ON runs (project_id, branch, number);

CREATE INDEX runs_by_status ON runs (status, id);

CREATE TABLE agent_tokens (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER
) STRICT;

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER
, user_id INTEGER REFERENCES users(id) ON DELETE CASCADE, scope TEXT NOT NULL DEFAULT 'write' CHECK (scope IN ('read','write')), expires_at INTEGER) STRICT;

CREATE TABLE artifacts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  job_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  name TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  blob TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  UNIQUE (run_id, job_id, name)
) STRICT;

CREATE TABLE caches (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  blob TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL,
  UNIQUE (project_id, scope, key)
) STRICT;

CREATE TABLE deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER REFERENCES projects(id) ON DELETE CASCADE,
  forge TEXT NOT NULL CHECK (forge IN ('github','gitea','gitlab','generic')),
  delivery_id TEXT NOT NULL,
  event TEXT NOT NULL,
  headers_json TEXT NOT NULL,
  body BLOB NOT NULL,
  received_at INTEGER NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('accepted','ignored','rejected','duplicate')),
  reason TEXT,
  run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
  redeliveries INTEGER NOT NULL DEFAULT 0
, replay_of INTEGER REFERENCES deliveries(id) ON DELETE SET NULL) STRICT;

CREATE TABLE job_approvals (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  job_id TEXT NOT NULL,
  environment TEXT NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('approved','rejected')),
  actor TEXT NOT NULL,
  comment TEXT,
  decided_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, job_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  job_id TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued','waiting','running','success','failure','canceled','skipped','error')),
  reason TEXT,
  attempt INTEGER NOT NULL DEFAULT 0,
  queued_at INTEGER,
  started_at INTEGER,
  finished_at INTEGER,
  outputs_json TEXT NOT NULL DEFAULT '{}',
  updated_at INTEGER NOT NULL,
  UNIQUE (run_id, job_id)
) STRICT;

CREATE TABLE "kysely_migration" ("name" varchar(255) not null primary key, "timestamp" varchar(255) not null);

CREATE TABLE "kysely_migration_lock" ("id" varchar(255) not null primary key, "is_locked" integer default 0 not null);

CREATE TABLE log_lines (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  job_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  step INTEGER,
  stream TEXT NOT NULL CHECK (stream IN ('stdout','stderr','system')),
  line TEXT NOT NULL,
  ts INTEGER NOT NULL,
  PRIMARY KEY (run_id, job_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE project_members (
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('viewer','developer','maintainer')),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE projects (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  repo_url TEXT NOT NULL,
  forge TEXT NOT NULL CHECK (forge IN ('github','gitea','gitlab','generic')),
  webhook_secret TEXT,
  default_branch TEXT NOT NULL,
  poll_interval_ms INTEGER,
  auto_cancel INTEGER NOT NULL DEFAULT 0,
  max_concurrent_runs INTEGER,
  priority INTEGER NOT NULL DEFAULT 0,
  last_run_number INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
, public INTEGER NOT NULL DEFAULT 0, protected_environments TEXT NOT NULL DEFAULT '[]') STRICT;

CREATE TABLE refresh_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  family TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  revoked_at INTEGER
) STRICT;

CREATE TABLE runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  number INTEGER NOT NULL,
  event_name TEXT NOT NULL,
  branch TEXT,
  tag TEXT,
  sha TEXT NOT NULL,
  event_json TEXT NOT NULL,
  trigger_json TEXT NOT NULL,
  plan_json TEXT,
  status TEXT NOT NULL CHECK (status IN ('queued','waiting','running','success','failure','canceled','skipped','error')),
  reason TEXT,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  updated_at INTEGER NOT NULL,
  UNIQUE (project_id, number)
) STRICT;

CREATE TABLE secrets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  scope_key TEXT NOT NULL,
  project_id INTEGER REFERENCES projects(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  sealed TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (scope_key, name)
) STRICT;

CREATE TABLE server_state (
  key TEXT PRIMARY KEY,
  value_json TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE steps (
  run_id INTEGER NOT NULL,
  job_id TEXT NOT NULL,
  step INTEGER NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued','waiting','running','success','failure','canceled','skipped','error')),
  reason TEXT,
  exit_code INTEGER,
  started_at INTEGER,
  finished_at INTEGER,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, job_id, step),
  FOREIGN KEY (run_id, job_id) REFERENCES jobs(run_id, job_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT,
  password_hash TEXT NOT NULL,
  admin INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
