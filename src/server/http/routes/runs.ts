import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { GantryError } from '../../../core/index.js';
import type { GitEvent } from '../../../pipeline/index.js';
import type { Project, Run, Store } from '../../../store/index.js';
import type { JobView, RunDetailView } from '../../../api-client/index.js';
import type { RunStarter } from '../run-creator.js';
import {
  jobParams, listRunsQuery, logPageView, logsQuery, projectParams, runDetailView, runListView, runParams,
  toJobView, toRunDetailView, toRunView, triggerRunBody,
} from '../run-schemas.js';
import { pinAndCheckTrigger } from '../trigger-inputs.js';
import { requestSchema, responseSchema } from '../zod-schemas.js';

/**
 * Runs API: list and show runs, read a job's log (`project:read`), and start a run by hand or from a
 * script (`project:trigger`). Runs are addressed by their per-project number.
 */
export async function projectOrThrow(store: Store, name: string): Promise<Project> {
  const project = await store.projects.getByName(name);
  if (!project) throw new GantryError('PROJECT_NOT_FOUND', `no project named "${name}"`);
  return project;
}

export async function runOrThrow(store: Store, project: Project, number: number): Promise<Run> {
  const run = await store.runs.getByNumber(project.id, number);
  if (!run) throw new GantryError('RUN_NOT_FOUND', `project ${project.name} has no run #${number}`);
  return run;
}

/** Lines may be stored before the engine records the job row: the plan knows the job too. */
export async function assertJobKnown(store: Store, project: Project, run: Run, job: string): Promise<void> {
  const known = run.plan?.jobs.some((j) => j.id === job) || (await store.runs.getJob(run.id, job)) !== undefined;
  if (!known) throw new GantryError('RUN_JOB_NOT_FOUND', `run #${run.number} of ${project.name} has no job "${job}"`);
}

export async function runDetail(store: Store, project: Project, run: Run): Promise<RunDetailView> {
  const jobs = await store.runs.listJobs(run.id);
  const approvals = new Map((await store.approvals.listForRun(run.id)).map((a) => [a.jobId, a]));
  const views: JobView[] = [];
  for (const job of jobs) views.push(toJobView(job, await store.runs.listSteps(run.id, job.jobId), run.plan, approvals.get(job.jobId)));
  return toRunDetailView(run, project.name, views);
}

export function runRoutes(app: FastifyInstance, store: Store, starter: RunStarter | undefined): void {
  const read = { permission: 'project:read' as const };
  const detail = responseSchema(runDetailView);

  app.get(
    '/projects/:name/runs',
    { config: read, schema: { summary: 'List runs, newest first', params: requestSchema(projectParams), querystring: requestSchema(listRunsQuery), response: { 200: responseSchema(runListView) } } },
    async (request) => {
      const { name } = request.params as z.output<typeof projectParams>;
      const query = request.query as z.output<typeof listRunsQuery>;
      const project = await projectOrThrow(store, name);
      const page = await store.runs.list(project.id, {
        limit: query.limit,
        ...(query.status && { status: query.status }),
        ...(query.branch !== undefined && { branch: query.branch }),
        ...(query.event !== undefined && { event: query.event }),
        ...(query.before !== undefined && { before: query.before }),
      });
      return { runs: page.runs.map((run) => toRunView(run, project.name)), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/projects/:name/runs/:number',
    { config: read, schema: { summary: 'Show a run with its jobs and steps', params: requestSchema(runParams), response: { 200: detail } } },
    async (request) => {
      const { name, number } = request.params as z.output<typeof runParams>;
      const project = await projectOrThrow(store, name);
      return runDetail(store, project, await runOrThrow(store, project, number));
    },
  );

  app.get(
    '/projects/:name/runs/:number/jobs/:job/logs',
    { config: read, schema: { summary: "A page of a job's log lines", params: requestSchema(jobParams), querystring: requestSchema(logsQuery), response: { 200: responseSchema(logPageView) } } },
    async (request) => {
      const { name, number, job } = request.params as z.output<typeof jobParams>;
      const { after, limit } = request.query as z.output<typeof logsQuery>;
      const project = await projectOrThrow(store, name);
      const run = await runOrThrow(store, project, number);
      await assertJobKnown(store, project, run, job);
      const lines = await store.logs.read(run.id, job, { afterSeq: after, limit });
      return {
        lines: lines.map((l) => ({ seq: l.seq, step: l.step, stream: l.stream, line: l.line, time: new Date(l.ts).toISOString() })),
        next: lines.at(-1)?.seq ?? after,
      };
    },
  );

  if (starter) triggerRoute(app, store, starter, detail);
}

function triggerRoute(app: FastifyInstance, store: Store, starter: RunStarter, detail: Record<string, unknown>): void {
  app.post(
    '/projects/:name/runs',
    { config: { permission: 'project:trigger' }, schema: { summary: 'Start a run (manual or api event)', params: requestSchema(projectParams), body: requestSchema(triggerRunBody), response: { 201: detail } } },
    async (request, reply) => {
      const { name } = request.params as z.output<typeof projectParams>;
      const body = request.body as z.output<typeof triggerRunBody>;
      const project = await projectOrThrow(store, name);
      const wanted: GitEvent = { name: body.event, sha: body.sha ?? '', inputs: body.inputs ?? {} };
      if (body.branch !== undefined) wanted.branch = body.branch;
      if (body.tag !== undefined) wanted.tag = body.tag;
      const { event, pipelineFile } = await pinAndCheckTrigger(starter.repos, project, wanted);
      const actor = request.principal?.name ?? null;
      const result = await starter.createRun(project, event, { kind: body.event, actor }, { alreadySynced: true, pipelineFile });
      if (!result.created) {
        throw new GantryError('RUN_NOT_TRIGGERED', `no run: ${result.reason}`, { details: { reason: result.reason } });
      }
      const run = result.run;
      request.log.info({ project: project.name, run: run.number, runId: run.id, sha: run.sha, event: body.event }, 'run triggered');
      return reply.code(201).header('location', `/api/v1/projects/${project.name}/runs/${run.number}`).send(await runDetail(store, project, run));
    },
  );
}
