import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { DecisionInput } from '../../../engine/index.js';
import type { JobApproval, Store } from '../../../store/index.js';
import { jobParams, runDetailView } from '../run-schemas.js';
import { requestSchema, responseSchema } from '../zod-schemas.js';
import { assertJobKnown, projectOrThrow, runDetail, runOrThrow } from './runs.js';

/** What the approval routes need from the engine (the run service implements it). */
export interface ApprovalControl {
  decide(input: DecisionInput): Promise<JobApproval>;
}

const decisionBody = z.object({ comment: z.string().max(2000).optional() }).strict().nullish();

/**
 * Approve or reject a job that waits for approval (it deploys to one of the project's protected
 * environments): `POST /projects/{p}/runs/{n}/jobs/{job}/approve|reject` `{ comment? }` → 200 with the
 * run. A maintainer's call (`project:manage`). Approved: the job is queued for an agent. Rejected:
 * the job ends `failure` ("rejected by …"), is never retried, and the jobs that need it are skipped.
 * 409 RUN_JOB_NOT_AWAITING_APPROVAL when the job does not wait at the gate (yet), 409
 * RUN_JOB_ALREADY_DECIDED for a second decision.
 */
export function approvalRoutes(app: FastifyInstance, store: Store, control: ApprovalControl): void {
  for (const decision of ['approved', 'rejected'] as const) {
    const verb = decision === 'approved' ? 'approve' : 'reject';
    app.post(
      `/projects/:name/runs/:number/jobs/:job/${verb}`,
      {
        config: { permission: 'project:manage' },
        schema: { params: requestSchema(jobParams), body: requestSchema(decisionBody), response: { 200: responseSchema(runDetailView) } },
      },
      async (request) => {
        const { name, number, job } = request.params as z.output<typeof jobParams>;
        const body = (request.body ?? {}) as NonNullable<z.output<typeof decisionBody>>;
        const project = await projectOrThrow(store, name);
        const run = await runOrThrow(store, project, number);
        await assertJobKnown(store, project, run, job);
        const actor = request.principal?.name ?? 'an API client';
        await control.decide({ runId: run.id, jobId: job, decision, actor, comment: body.comment ?? null });
        request.log.info({ project: project.name, run: number, runId: run.id, job, decision, actor }, `job ${decision}`);
        return runDetail(store, project, (await store.runs.get(run.id)) ?? run);
      },
    );
  }
}
