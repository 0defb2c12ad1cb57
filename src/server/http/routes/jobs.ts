import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GantryError } from '../../../core/index.js';
import type { Store } from '../../../store/index.js';
import type { JobView } from '../../../api-client/index.js';
import { jobParams, jobView, runParams, toJobView } from '../run-schemas.js';
import { requestSchema, responseSchema } from '../zod-schemas.js';
import { projectOrThrow, runOrThrow } from './runs.js';

const jobList = z.object({ jobs: z.array(jobView) });

/**
 * Jobs of a run (`project:read`): the list in the order the engine recorded them, and one job with
 * its steps. The same views as in `GET .../runs/{number}`, for clients that poll one job.
 */
export function jobRoutes(app: FastifyInstance, store: Store): void {
  const read = { permission: 'project:read' as const };
  app.get(
    '/projects/:name/runs/:number/jobs',
    { config: read, schema: { summary: 'The jobs of a run, with their steps', params: requestSchema(runParams), response: { 200: responseSchema(jobList) } } },
    async (request) => {
      const { name, number } = request.params as z.output<typeof runParams>;
      const project = await projectOrThrow(store, name);
      const run = await runOrThrow(store, project, number);
      const jobs: JobView[] = [];
      for (const job of await store.runs.listJobs(run.id)) jobs.push(toJobView(job, await store.runs.listSteps(run.id, job.jobId), run.plan));
      return { jobs };
    },
  );

  app.get(
    '/projects/:name/runs/:number/jobs/:job',
    { config: read, schema: { summary: 'One job of a run with its steps', params: requestSchema(jobParams), response: { 200: responseSchema(jobView) } } },
    async (request) => {
      const { name, number, job } = request.params as z.output<typeof jobParams>;
      const project = await projectOrThrow(store, name);
      const run = await runOrThrow(store, project, number);
      const record = await store.runs.getJob(run.id, job);
      if (!record) throw new GantryError('RUN_JOB_NOT_FOUND', `run #${number} of ${project.name} has no job "${job}" (yet)`);
      return toJobView(record, await store.runs.listSteps(run.id, job), run.plan);
    },
  );
}
