import { z } from 'zod';
import type { Status } from '../../core/index.js';
import { EVENT_NAMES, type Plan } from '../../pipeline/index.js';
import type { JobApproval, JobRecord, Run, StepRecord } from '../../store/index.js';
import type { JobView, RunDetailView, RunView, StepView } from '../../api-client/index.js';
import { PROJECT_NAME } from './project-schemas.js';

/** Wire schemas of the runs API and the conversions from store records to views. */
export const STATUS_NAMES = ['queued', 'waiting', 'running', 'success', 'failure', 'canceled', 'skipped', 'error'] as const satisfies readonly Status[];
const status = z.enum(STATUS_NAMES);
const eventName = z.enum(EVENT_NAMES as readonly ['push', 'pull_request', 'tag', 'cron', 'manual', 'api']);
const time = z.string().nullable();
const BRANCH = /^(?!-)(?!.*\.\.)(?!.*\/\/)(?!.*\.lock$)(?!\/)(?!.*\/$)[A-Za-z0-9._/+-]{1,255}$/;

export const projectParams = z.object({ name: z.string().regex(PROJECT_NAME, 'not a valid project name') }).strict();
const positiveInt = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
export const runParams = projectParams.extend({ number: positiveInt }).strict();
export const jobParams = runParams.extend({ job: z.string().min(1).max(512) }).strict();

export const listRunsQuery = z
  .object({
    status: z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined || value === '') return undefined;
        const list = value.split(',').map((s) => s.trim());
        const bad = list.filter((s) => !(STATUS_NAMES as readonly string[]).includes(s));
        if (bad.length > 0) {
          ctx.addIssue({ code: 'custom', message: `unknown status ${bad.join(', ')} (expected ${STATUS_NAMES.join(', ')})` });
          return z.NEVER;
        }
        return list as Status[];
      }),
    branch: z.string().min(1).max(255).optional(),
    event: eventName.optional(),
    before: positiveInt.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();

export const logsQuery = z
  .object({
    after: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  })
  .strict();

export const triggerRunBody = z
  .object({
    branch: z.string().regex(BRANCH, 'expected a valid branch name').optional(),
    tag: z.string().regex(BRANCH, 'expected a valid tag name').optional(),
    sha: z.string().regex(/^([0-9a-f]{40}|[0-9a-f]{64})$/, 'expected a full commit id (40 or 64 hex digits)').optional(),
    inputs: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,99}$/, 'not a valid input name'), z.string().max(65_536)).optional(),
    event: z.enum(['manual', 'api']).default('api'),
  })
  .strict()
  .refine((body) => !(body.branch !== undefined && body.tag !== undefined), { message: 'give a branch or a tag, not both', path: ['tag'] });

const runView = z.object({
  id: z.number().int(),
  number: z.number().int(),
  project: z.string(),
  status,
  reason: z.string().nullable(),
  event: eventName,
  branch: z.string().nullable(),
  baseBranch: z.string().nullable(),
  tag: z.string().nullable(),
  sha: z.string(),
  message: z.string().nullable(),
  author: z.string().nullable(),
  inputs: z.record(z.string(), z.string()),
  trigger: z.object({ kind: z.string(), actor: z.string().nullable(), delivery: z.number().int().nullable(), retryOf: z.number().int().nullable() }),
  createdAt: z.string(),
  startedAt: time,
  finishedAt: time,
  updatedAt: z.string(),
  durationMs: z.number().int().nullable(),
});

const stepView = z.object({
  index: z.number().int(),
  name: z.string(),
  status,
  reason: z.string().nullable(),
  exitCode: z.number().int().nullable(),
  startedAt: time,
  finishedAt: time,
  durationMs: z.number().int().nullable(),
});

export const jobView = z.object({
  id: z.string(),
  name: z.string(),
  status,
  reason: z.string().nullable(),
  attempt: z.number().int(),
  needs: z.array(z.string()),
  queuedAt: time,
  startedAt: time,
  finishedAt: time,
  durationMs: z.number().int().nullable(),
  outputs: z.record(z.string(), z.string()),
  steps: z.array(stepView),
  environment: z.string().nullable(),
  approval: z.object({ decision: z.enum(['approved', 'rejected']), actor: z.string(), comment: z.string().nullable(), decidedAt: z.string() }).nullable(),
});

export const runListView = z.object({ runs: z.array(runView), nextCursor: z.number().int().nullable() });
export const runDetailView = runView.extend({ jobs: z.array(jobView) });
export const logPageView = z.object({
  lines: z.array(
    z.object({ seq: z.number().int(), step: z.number().int().nullable(), stream: z.enum(['stdout', 'stderr', 'system']), line: z.string(), time: z.string() }),
  ),
  next: z.number().int(),
});

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const duration = (start: number | null, end: number | null): number | null => (start !== null && end !== null ? Math.max(0, end - start) : null);

export function toRunView(run: Run, projectName: string): RunView {
  const e = run.event;
  return {
    id: run.id,
    number: run.number,
    project: projectName,
    status: run.status,
    reason: run.reason,
    event: run.eventName,
    branch: run.branch,
    baseBranch: e.baseBranch ?? null,
    tag: run.tag,
    sha: run.sha,
    message: e.message ?? null,
    author: e.author ?? null,
    inputs: { ...(e.inputs ?? {}) },
    trigger: { kind: run.trigger.kind, actor: run.trigger.actor ?? null, delivery: run.trigger.deliveryId ?? null, retryOf: run.trigger.retryOf ?? null },
    createdAt: new Date(run.createdAt).toISOString(),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    updatedAt: new Date(run.updatedAt).toISOString(),
    durationMs: duration(run.startedAt, run.finishedAt),
  };
}

function toStepView(step: StepRecord): StepView {
  return {
    index: step.step,
    name: step.name,
    status: step.status,
    reason: step.reason,
    exitCode: step.exitCode,
    startedAt: iso(step.startedAt),
    finishedAt: iso(step.finishedAt),
    durationMs: duration(step.startedAt, step.finishedAt),
  };
}

export function toJobView(job: JobRecord, steps: readonly StepRecord[], plan: Plan | null, approval?: JobApproval): JobView {
  const planned = plan?.jobs.find((j) => j.id === job.jobId);
  return {
    id: job.jobId,
    name: job.name,
    status: job.status,
    reason: job.reason,
    attempt: job.attempt,
    needs: [...(planned?.needs ?? [])],
    queuedAt: iso(job.queuedAt),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
    durationMs: duration(job.startedAt, job.finishedAt),
    outputs: { ...job.outputs },
    steps: steps.map(toStepView),
    environment: planned?.environment ?? null,
    approval: approval ? { decision: approval.decision, actor: approval.actor, comment: approval.comment, decidedAt: new Date(approval.decidedAt).toISOString() } : null,
  };
}

export function toRunDetailView(run: Run, projectName: string, jobs: readonly JobView[]): RunDetailView {
  return { ...toRunView(run, projectName), jobs: [...jobs] };
}
