import type { Status } from '../../core/index.js';
import type {
  ApiToken, Delivery, DeliveryOutcome, ForgeKind, JobRecord, LogLine, LogStream, Project, Run, RunTrigger, StepRecord, TokenScope,
} from '../index.js';
import { fromJson } from './db.js';
import type { Selectable } from 'kysely';
import type {
  ApiTokensTable, DeliveriesTable, JobsTable, LogLinesTable, ProjectsTable, RunsTable, StepsTable,
} from './tables.js';

/** Row → port type mappers, shared by Kysely queries and raw statements (both return snake_case rows). */
export function toProject(row: Selectable<ProjectsTable>): Project {
  return {
    id: row.id,
    name: row.name,
    repoUrl: row.repo_url,
    forge: row.forge as ForgeKind,
    webhookSecret: row.webhook_secret,
    defaultBranch: row.default_branch,
    pollIntervalMs: row.poll_interval_ms,
    settings: {
      autoCancel: row.auto_cancel !== 0,
      maxConcurrentRuns: row.max_concurrent_runs,
      priority: row.priority,
      protectedEnvironments: fromJson<string[]>(row.protected_environments),
      public: row.public !== 0,
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toRun(row: Selectable<RunsTable>): Run {
  const run: Omit<Run, 'plan'> & { plan?: Run['plan'] } = {
    id: row.id,
    projectId: row.project_id,
    number: row.number,
    event: fromJson<Run['event']>(row.event_json),
    eventName: row.event_name as Run['eventName'],
    branch: row.branch,
    tag: row.tag,
    sha: row.sha,
    trigger: fromJson<RunTrigger>(row.trigger_json),
    status: row.status as Status,
    reason: row.reason,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
  };
  // The plan is the big part of a run (every job and step); lists and most reads never look at it,
  // so it is parsed on first use (measured: ~13% of a run-list request — docs/benchmarks.md, bench:api).
  const text = row.plan_json;
  let plan: Run['plan'] | undefined;
  Object.defineProperty(run, 'plan', {
    enumerable: true,
    configurable: true,
    get: () => (plan ??= text === null ? null : fromJson<NonNullable<Run['plan']>>(text)),
    set: (value: Run['plan']) => void (plan = value),
  });
  return run as Run;
}

export function toJob(row: Selectable<JobsTable>): JobRecord {
  return {
    runId: row.run_id,
    jobId: row.job_id,
    name: row.name,
    status: row.status as Status,
    reason: row.reason,
    attempt: row.attempt,
    queuedAt: row.queued_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    outputs: fromJson<Record<string, string>>(row.outputs_json),
    updatedAt: row.updated_at,
  };
}

export function toStep(row: Selectable<StepsTable>): StepRecord {
  return {
    runId: row.run_id,
    jobId: row.job_id,
    step: row.step,
    name: row.name,
    status: row.status as Status,
    reason: row.reason,
    exitCode: row.exit_code,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
  };
}

export function toDelivery(row: Selectable<DeliveriesTable>): Delivery {
  return {
    id: row.id,
    projectId: row.project_id,
    forge: row.forge as ForgeKind,
    deliveryId: row.delivery_id,
    event: row.event,
    headers: fromJson<Record<string, string>>(row.headers_json),
    body: row.body,
    receivedAt: row.received_at,
    outcome: row.outcome as DeliveryOutcome,
    reason: row.reason,
    runId: row.run_id,
    redeliveries: row.redeliveries,
    replayOf: row.replay_of,
  };
}

export function toLogLine(row: Selectable<LogLinesTable>): LogLine {
  return { runId: row.run_id, jobId: row.job_id, step: row.step, seq: row.seq, stream: row.stream as LogStream, line: row.line, ts: row.ts };
}

export function toToken(row: Selectable<ApiTokensTable>): ApiToken {
  return {
    id: row.id, name: row.name, hash: row.hash, createdAt: row.created_at, lastUsedAt: row.last_used_at,
    userId: row.user_id, scope: row.scope as TokenScope, expiresAt: row.expires_at,
  };
}
