import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GantryError } from '../../../core/index.js';
import type { Delivery, Project, Store } from '../../../store/index.js';
import type { DeliveryDetailView, DeliveryView } from '../../../api-client/index.js';
import { bodyText } from '../delivery-record.js';
import { replayDelivery } from '../delivery-replay.js';
import type { RunStarter } from '../run-creator.js';
import { projectParams } from '../run-schemas.js';
import { requestSchema, responseSchema } from '../zod-schemas.js';
import { projectOrThrow } from './runs.js';

const listQuery = z
  .object({
    before: z.coerce.number().int().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();
const deliveryParams = projectParams.extend({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }).strict();

const deliveryView = z.object({
  id: z.number().int(),
  forge: z.enum(['github', 'gitea', 'gitlab', 'generic']),
  deliveryId: z.string(),
  event: z.string(),
  receivedAt: z.string(),
  outcome: z.enum(['accepted', 'ignored', 'rejected', 'duplicate']),
  reason: z.string().nullable(),
  run: z.number().int().nullable(),
  redeliveries: z.number().int(),
  replayOf: z.number().int().nullable(),
});
const deliveryDetailView = deliveryView.extend({
  headers: z.record(z.string(), z.string()),
  body: z.string(),
  bodyEncoding: z.enum(['utf8', 'base64']),
  bodyBytes: z.number().int(),
});
const deliveryList = z.object({ deliveries: z.array(deliveryView), nextCursor: z.number().int().nullable() });
const replayAnswer = z.object({ delivery: deliveryView, run: z.number().int().nullable() });

async function runNumber(store: Store, runId: number | null, cache: Map<number, number | null>): Promise<number | null> {
  if (runId === null) return null;
  if (!cache.has(runId)) cache.set(runId, (await store.runs.get(runId))?.number ?? null);
  return cache.get(runId) ?? null;
}

function toView(d: Delivery, run: number | null): DeliveryView {
  return {
    id: d.id,
    forge: d.forge,
    deliveryId: d.deliveryId,
    event: d.event,
    receivedAt: new Date(d.receivedAt).toISOString(),
    outcome: d.outcome,
    reason: d.reason,
    run,
    redeliveries: d.redeliveries,
    replayOf: d.replayOf,
  };
}

async function deliveryOrThrow(store: Store, project: Project, id: number): Promise<Delivery> {
  const delivery = await store.deliveries.get(id);
  if (!delivery || delivery.projectId !== project.id) throw new GantryError('DELIVERY_NOT_FOUND', `project ${project.name} has no delivery ${id}`);
  return delivery;
}

/**
 * Webhook deliveries of a project: list (newest first) and show (`project:read`), for inspection;
 * replay (`project:manage`, mounted when the server creates runs) re-processes a stored one.
 */
export function deliveryRoutes(app: FastifyInstance, store: Store, starter?: RunStarter): void {
  const read = { permission: 'project:read' as const };
  app.get(
    '/projects/:name/deliveries',
    { config: read, schema: { summary: 'List webhook deliveries, newest first', params: requestSchema(projectParams), querystring: requestSchema(listQuery), response: { 200: responseSchema(deliveryList) } } },
    async (request) => {
      const { name } = request.params as z.output<typeof projectParams>;
      const { before, limit } = request.query as z.output<typeof listQuery>;
      const project = await projectOrThrow(store, name);
      // One more than asked tells whether there is a next page.
      const rows = await store.deliveries.listByProject(project.id, { limit: limit + 1, ...(before !== undefined && { beforeId: before }) });
      const page = rows.slice(0, limit);
      const cache = new Map<number, number | null>();
      const deliveries: DeliveryView[] = [];
      for (const d of page) deliveries.push(toView(d, await runNumber(store, d.runId, cache)));
      return { deliveries, nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
    },
  );

  app.get(
    '/projects/:name/deliveries/:id',
    { config: read, schema: { summary: 'One delivery with its headers and body', params: requestSchema(deliveryParams), response: { 200: responseSchema(deliveryDetailView) } } },
    async (request): Promise<DeliveryDetailView> => {
      const { name, id } = request.params as z.output<typeof deliveryParams>;
      const project = await projectOrThrow(store, name);
      const delivery = await deliveryOrThrow(store, project, id);
      return {
        ...toView(delivery, await runNumber(store, delivery.runId, new Map())),
        headers: delivery.headers,
        ...bodyText(delivery.body),
        bodyBytes: delivery.body.length,
      };
    },
  );
  if (starter) replayRoute(app, store, starter);
}

function replayRoute(app: FastifyInstance, store: Store, starter: RunStarter): void {
  app.post(
    '/projects/:name/deliveries/:id/replay',
    {
      config: { permission: 'project:manage' },
      schema: { summary: 'Re-process a stored delivery (recorded as a new one; may create a new run)', params: requestSchema(deliveryParams), response: { 200: responseSchema(replayAnswer), 201: responseSchema(replayAnswer) } },
    },
    async (request, reply) => {
      const { name, id } = request.params as z.output<typeof deliveryParams>;
      const project = await projectOrThrow(store, name);
      const original = await deliveryOrThrow(store, project, id);
      const { delivery, run } = await replayDelivery({ store, createRun: starter.createRun }, project, original, request.principal?.name ?? null);
      request.log.info({ project: name, delivery: delivery.id, replayOf: id, outcome: delivery.outcome, run: run?.number }, 'delivery replayed');
      if (run) reply.code(201).header('location', `/api/v1/projects/${project.name}/runs/${run.number}`);
      return reply.send({ delivery: toView(delivery, run?.number ?? null), run: run?.number ?? null });
    },
  );
}
