-- Generated: the SQLite schema after every migration. Do not edit; run
--   UPDATE_SCHEMA=1 node scripts/run-tests.mjs src/store/sqlite/sqlite-migrations.int.test.ts

CREATE INDEX deliveries_by_project ON deliveries (project_id, received_at, id);

CREATE INDEX deliveries_by_run ON deliveries (run_id);

CREATE UNIQUE INDEX deliveries_once ON deliveries (forge, ifnull(project_id, 0), delivery_id);

CREATE INDEX runs_by_branch ON runs (project_id, branch, number);

CREATE INDEX runs_by_status ON runs (status, id);

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER
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
) STRICT;

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
