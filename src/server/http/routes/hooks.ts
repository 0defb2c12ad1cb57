import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { GantryError, toGantryError } from '../../../core/index.js';
import type { Delivery, DeliveryOutcome, Project, Store } from '../../../store/index.js';
import { FORGES, deliveryIdOf, forgeEventOf, parseWebhook, verifyWebhook, type Forge, type WebhookEvent } from '../../../triggers/index.js';
import type { WebhookAnswer } from '../../../api-client/index.js';
import { actorOf, keptHeaders, unverifiedBody, webhookJson } from '../delivery-record.js';
import { sendProblem } from '../problem.js';
import type { DeliveryAnswer } from '../../metrics/index.js';
import type { CreateRunFromEvent } from '../../runs/index.js';
import { requestSchema, responseSchema } from '../zod-schemas.js';

/**
 * `POST /hooks/{github,gitea,gitlab,generic}/{project}`: webhook deliveries → runs.
 *
 * Order, and why:
 * 1. Project lookup. Unknown → 404, recorded with projectId null.
 * 2. Signature over the RAW bytes, before any parser sees them. Missing/wrong → 401, recorded as
 *    rejected under an `unverified-…` id (an unauthenticated request must never occupy the id a real
 *    delivery will use, or a forger could block it), with a truncated body.
 * 3. Forge of the route vs the project's (generic is accepted for every project: it is Gantry's own
 *    format, used by the post-receive hook and scripts wherever the repository is hosted).
 * 4. JSON, then the forge's payload → ping | ignored | invalid | event.
 * 5. `recordOnce` by (project, forge, delivery id): a 2xx is only sent once the delivery is stored. A
 *    repeat answers `duplicate` with the run it made — unless the first attempt did not end (it
 *    failed, e.g. git was unreachable and we answered 503 so the forge retries, or the process died
 *    mid-way): then it is processed again, so nothing the forge sent is lost.
 * 6. The run creator (git fetch, pipeline compile, run + jobs stored) → 201 accepted or 202 ignored
 *    when `on` does not match; the outcome and run are stored on the delivery.
 */
export const WEBHOOK_BODY_LIMIT = 5 * 1024 * 1024;

export interface WebhookDeps {
  readonly store: Store;
  readonly createRun: CreateRunFromEvent;
  /** Ids for deliveries that failed authentication. */
  readonly newId: () => string;
  /** Told what each delivery was answered (metrics), after the answer went out. */
  readonly onAnswered?: (forge: Forge, answer: DeliveryAnswer) => void;
}

/** What each 2xx answer said; a reply not in here (an error, a 503) was `rejected`. */
const answers = new WeakMap<FastifyReply, WebhookAnswer['status']>();

function answerOf(reply: FastifyReply): DeliveryAnswer {
  const status = reply.statusCode < 300 ? answers.get(reply) : undefined;
  if (status === undefined) return 'rejected';
  return status === 'pong' ? 'ignored' : status;
}

const params = requestSchema(z.object({ project: z.string().min(1).max(200) }).strict());
const answer = responseSchema(
  z.object({
    status: z.enum(['accepted', 'ignored', 'duplicate', 'pong']),
    run: z.number().int().nullable().optional(),
    reason: z.string().optional(),
    delivery: z.number().int().optional(),
  }),
);

export function webhookRoutes(scope: FastifyInstance, deps: WebhookDeps): void {
  // Deliveries this process is turning into runs right now: a repeat meanwhile is a duplicate.
  const inFlight = new Set<number>();
  scope.setErrorHandler((err: FastifyError, _request, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendProblem(reply, new GantryError('WEBHOOK_TOO_LARGE', `webhook bodies are limited to ${WEBHOOK_BODY_LIMIT / 1024 / 1024} MiB`));
    }
    throw err;
  });
  for (const forge of FORGES) {
    scope.post(
      `/${forge}/:project`,
      {
        config: { permission: 'public' },
        bodyLimit: WEBHOOK_BODY_LIMIT,
        schema: { params, response: { 200: answer, 201: answer, 202: answer } },
        // onResponse also runs for answers that never reached the handler (413 too large).
        onResponse: async (_request, reply) => deps.onAnswered?.(forge, answerOf(reply)),
      },
      (request, reply) => handleDelivery({ deps, forge, request, reply, inFlight }),
    );
  }
}

interface DeliveryContext {
  deps: WebhookDeps;
  forge: Forge;
  request: FastifyRequest;
  reply: FastifyReply;
  inFlight: Set<number>;
}

async function recordUnverified(ctx: DeliveryContext, projectId: number | null, raw: Buffer, reason: string): Promise<Delivery> {
  const { body, truncated } = unverifiedBody(raw);
  const { delivery } = await ctx.deps.store.deliveries.recordOnce({
    projectId,
    forge: ctx.forge,
    deliveryId: `unverified-${ctx.deps.newId()}`,
    event: forgeEventOf(ctx.forge, ctx.request.headers).slice(0, 200),
    headers: keptHeaders(ctx.request.headers),
    body,
    outcome: 'rejected',
    reason: truncated ? `${reason} (body truncated to ${body.length} bytes)` : reason,
  });
  ctx.request.log.warn({ forge: ctx.forge, delivery: delivery.id, reason }, 'webhook rejected');
  return delivery;
}

async function handleDelivery(ctx: DeliveryContext): Promise<FastifyReply> {
  const { deps, forge, request } = ctx;
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const name = (request.params as { project: string }).project;
  const project = await deps.store.projects.getByName(name);
  if (!project) {
    await recordUnverified(ctx, null, raw, `no project named "${name}"`);
    throw new GantryError('PROJECT_NOT_FOUND', `no project named "${name}"`);
  }
  const verdict = verifyWebhook(forge, request.headers, raw, project.webhookSecret ?? '');
  if (!verdict.ok) {
    await recordUnverified(ctx, project.id, raw, verdict.message);
    throw new GantryError('WEBHOOK_BAD_SIGNATURE', verdict.message, { details: { reason: verdict.reason } });
  }
  // From here on the sender knows the project's secret: what it sends is recorded under its own id.
  if (forge !== 'generic' && project.forge !== forge) {
    const message = `project "${project.name}" takes webhooks from ${project.forge} (POST /hooks/${project.forge}/${project.name}), not ${forge}`;
    await record(ctx, project, raw, deliveryIdOf(forge, request.headers, raw.toString('latin1')), 'rejected', message);
    throw new GantryError('WEBHOOK_FORGE_MISMATCH', message);
  }
  let body: unknown;
  try {
    body = webhookJson(raw, request.headers['content-type']);
  } catch (err) {
    const message = `the body is not valid JSON: ${(err as Error).message}`;
    await record(ctx, project, raw, deliveryIdOf(forge, request.headers, raw.toString('latin1')), 'rejected', message);
    throw new GantryError('WEBHOOK_INVALID_PAYLOAD', message);
  }
  return handleParsed(ctx, project, raw, body);
}

async function record(ctx: DeliveryContext, project: Project, raw: Buffer, deliveryId: string, outcome: DeliveryOutcome, reason: string | null) {
  return ctx.deps.store.deliveries.recordOnce({
    projectId: project.id,
    forge: ctx.forge,
    deliveryId: deliveryId.slice(0, 200),
    event: forgeEventOf(ctx.forge, ctx.request.headers).slice(0, 200),
    headers: keptHeaders(ctx.request.headers),
    body: raw,
    outcome,
    reason,
  });
}

/** A repeat whose first attempt never finished (failed, or died with an earlier process) is redone. */
function unfinished(delivery: Delivery, inFlight: ReadonlySet<number>): boolean {
  if (delivery.runId !== null) return false;
  if (delivery.outcome === 'rejected') return true;
  return delivery.outcome === 'accepted' && !inFlight.has(delivery.id);
}

async function duplicateAnswer(ctx: DeliveryContext, delivery: Delivery): Promise<FastifyReply> {
  const run = delivery.runId === null ? undefined : await ctx.deps.store.runs.get(delivery.runId);
  ctx.request.log.info({ delivery: delivery.id, deliveryId: delivery.deliveryId }, 'webhook redelivered: no new run');
  return send(ctx.reply, 200, { status: 'duplicate', run: run?.number ?? null, delivery: delivery.id });
}

function send(reply: FastifyReply, code: number, body: WebhookAnswer): FastifyReply {
  answers.set(reply, body.status);
  return reply.code(code).send(body);
}

async function handleParsed(ctx: DeliveryContext, project: Project, raw: Buffer, body: unknown): Promise<FastifyReply> {
  const parsed = parseWebhook(ctx.forge, ctx.request.headers, body);
  const log = ctx.request.log.child({ project: project.name, forge: ctx.forge, deliveryId: parsed.deliveryId, forgeEvent: parsed.forgeEvent });
  switch (parsed.kind) {
    case 'invalid': {
      await record(ctx, project, raw, parsed.deliveryId, 'rejected', parsed.reason);
      throw new GantryError('WEBHOOK_INVALID_PAYLOAD', parsed.reason);
    }
    case 'ping': {
      const { delivery } = await record(ctx, project, raw, parsed.deliveryId, 'ignored', 'ping');
      log.info({ delivery: delivery.id }, 'webhook ping');
      return send(ctx.reply, 200, { status: 'pong', delivery: delivery.id });
    }
    case 'ignored': {
      const { delivery, duplicate } = await record(ctx, project, raw, parsed.deliveryId, 'ignored', parsed.reason);
      if (duplicate) {
        if (!unfinished(delivery, ctx.inFlight)) return duplicateAnswer(ctx, delivery);
        await ctx.deps.store.deliveries.setOutcome(delivery.id, { outcome: 'ignored', reason: parsed.reason });
      }
      log.info({ delivery: delivery.id, reason: parsed.reason }, 'webhook ignored');
      return send(ctx.reply, 202, { status: 'ignored', reason: parsed.reason, delivery: delivery.id });
    }
    case 'event': {
      const { delivery, duplicate } = await record(ctx, project, raw, parsed.deliveryId, 'accepted', null);
      if (duplicate && !unfinished(delivery, ctx.inFlight)) return duplicateAnswer(ctx, delivery);
      ctx.inFlight.add(delivery.id);
      try {
        return await startRun(ctx, project, delivery, parsed, actorOf(body));
      } finally {
        ctx.inFlight.delete(delivery.id);
      }
    }
  }
}

async function startRun(ctx: DeliveryContext, project: Project, delivery: Delivery, parsed: WebhookEvent, actor: string | null): Promise<FastifyReply> {
  const { store } = ctx.deps;
  const log = ctx.request.log.child({ project: project.name, delivery: delivery.id });
  let result;
  try {
    const trigger = { kind: parsed.event.name, deliveryId: delivery.id, actor };
    // A push's previous commit lets git tell the changed files when the payload does not.
    result = await ctx.deps.createRun(project, parsed.event, trigger, parsed.event.name === 'push' ? { before: parsed.before } : {});
  } catch (err) {
    const error = toGantryError(err);
    // Recorded as not finished: the forge's retry (same delivery id) is processed again.
    await store.deliveries.setOutcome(delivery.id, { outcome: 'rejected', reason: `${error.code}: ${error.message}`.slice(0, 2000) });
    if (error.code === 'GIT_FETCH_FAILED') {
      log.warn({ err: error }, 'webhook: the repository could not be fetched; asking the sender to retry');
      ctx.reply.header('retry-after', '30');
      return sendProblem(ctx.reply, error, 503);
    }
    throw error;
  }
  if (!result.created) {
    await store.deliveries.setOutcome(delivery.id, { outcome: 'ignored', reason: result.reason });
    log.info({ reason: result.reason }, 'webhook: no run for this event');
    return send(ctx.reply, 202, { status: 'ignored', reason: result.reason, delivery: delivery.id });
  }
  const run = result.run;
  await store.deliveries.setOutcome(delivery.id, { outcome: 'accepted', reason: null, runId: run.id });
  log.info({ run: run.number, runId: run.id, sha: run.sha, status: run.status }, 'webhook: run created');
  ctx.reply.header('location', `/api/v1/projects/${project.name}/runs/${run.number}`);
  return send(ctx.reply, 201, { status: 'accepted', run: run.number, delivery: delivery.id });
}
