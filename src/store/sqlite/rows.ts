import type { Status } from '../../core/index.js';
import type {
  ApiToken, Delivery, DeliveryOutcome, ForgeKind, JobRecord, LogLine, LogStream, Project, Run, RunTrigger, StepRecord,
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
    settings: { autoCancel: row.auto_cancel !== 0, maxConcurrentRuns: row.max_concurrent_runs, priority: row.priority },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toRun(row: Selectable<RunsTable>): Run {
  return {
    id: row.id,
    projectId: row.project_id,
    number: row.number,
    event: fromJson<Run['event']>(row.event_json),
    eventName: row.event_name as Run['eventName'],
    branch: row.branch,
    tag: row.tag,
    sha: row.sha,
    trigger: fromJson<RunTrigger>(row.trigger_json),
    plan: row.plan_json === null ? null : fromJson<NonNullable<Run['plan']>>(row.plan_json),
    status: row.status as Status,
    reason: row.reason,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
  };
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
  };
}

export function toLogLine(row: Selectable<LogLinesTable>): LogLine {
  return { runId: row.run_id, jobId: row.job_id, step: row.step, seq: row.seq, stream: row.stream as LogStream, line: row.line, ts: row.ts };
}

export function toToken(row: Selectable<ApiTokensTable>): ApiToken {
  return { id: row.id, name: row.name, hash: row.hash, createdAt: row.created_at, lastUsedAt: row.last_used_at };
}
