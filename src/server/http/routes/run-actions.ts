import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { CancelOutcome, RetryOptions } from '../../../engine/index.js';
import { GantryError } from '../../../core/index.js';
import type { Run, Store } from '../../../store/index.js';
import { runDetailView, runParams } from '../run-schemas.js';
import { requestSchema, responseSchema } from '../zod-schemas.js';
import { projectOrThrow, runDetail } from './runs.js';

/**
 * What the action routes need from the engine (the run service implements it).
 * `cancel` is idempotent; `retry` creates a new run on every call.
 */
export interface RunControl {
  cancel(runId: number, reason: string): Promise<CancelOutcome>;
  retry(run: Run, options?: RetryOptions): Promise<Run>;
}

const retryBody = z.object({ failedOnly: z.boolean().optional() }).strict().nullish();

/**
 * Run actions (`project:trigger`):
 * - `POST /projects/{p}/runs/{n}/cancel` → 200 with the run when it is `canceled` (at once for a
 *   queued run, or already canceled), 202 when its running jobs are being stopped (it ends `canceled`
 *   once the agents answer); 409 RUN_ALREADY_FINISHED for a run that ended otherwise.
 * - `POST /projects/{p}/runs/{n}/retry` `{ failedOnly? }` → 201 with the NEW run (Location header);
 *   409 RUN_NOT_FINISHED / RUN_NOT_RETRYABLE.
 */
export function runActionRoutes(app: FastifyInstance, store: Store, control: RunControl): void {
  const detail = responseSchema(runDetailView);
  app.post(
    '/projects/:name/runs/:number/cancel',
    { config: { permission: 'project:trigger' }, schema: { summary: 'Cancel a run', params: requestSchema(runParams), response: { 200: detail, 202: detail } } },
    async (request, reply) => {
      const { name, number } = request.params as z.output<typeof runParams>;
      const project = await projectOrThrow(store, name);
      const run = await runByNumber(store, project.id, project.name, number);
      const who = request.principal?.name ?? 'an API client';
      const outcome = await control.cancel(run.id, `canceled by ${who}`);
      request.log.info({ project: project.name, run: number, runId: run.id, stopping: outcome.stopping }, 'run cancel asked');
      return reply.code(outcome.stopping ? 202 : 200).send(await runDetail(store, project, outcome.run));
    },
  );
  app.post(
    '/projects/:name/runs/:number/retry',
    { config: { permission: 'project:trigger' }, schema: { summary: 'Retry a run as a new run', params: requestSchema(runParams), body: requestSchema(retryBody), response: { 201: detail } } },
    async (request, reply) => {
      const { name, number } = request.params as z.output<typeof runParams>;
      const body = (request.body ?? {}) as NonNullable<z.output<typeof retryBody>>;
      const project = await projectOrThrow(store, name);
      const old = await runByNumber(store, project.id, project.name, number);
      const run = await control.retry(old, { failedOnly: body.failedOnly === true, actor: request.principal?.name ?? null });
      request.log.info({ project: project.name, run: run.number, runId: run.id, retryOf: number, failedOnly: body.failedOnly === true }, 'run retried');
      return reply.code(201).header('location', `/api/v1/projects/${project.name}/runs/${run.number}`).send(await runDetail(store, project, run));
    },
  );
}

async function runByNumber(store: Store, projectId: number, projectName: string, number: number): Promise<Run> {
  const run = await store.runs.getByNumber(projectId, number);
  if (!run) throw new GantryError('RUN_NOT_FOUND', `project ${projectName} has no run #${number}`);
  return run;
}
