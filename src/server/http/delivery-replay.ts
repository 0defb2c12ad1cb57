import { randomUUID } from 'node:crypto';
import { GantryError, toGantryError } from '../../core/index.js';
import type { Delivery, DeliveryOutcome, Project, Run, Store } from '../../store/index.js';
import { parseWebhook } from '../../triggers/index.js';
import type { CreateRunFromEvent } from '../runs/index.js';
import { actorOf, webhookJson } from './delivery-record.js';

export interface ReplayDeps {
  readonly store: Store;
  readonly createRun: CreateRunFromEvent;
  /** Makes the replay's delivery id unique (default random UUIDs). */
  readonly newId?: () => string;
}

export interface ReplayResult {
  /** The NEW delivery recording the replay (`replayOf` = the original's id). */
  readonly delivery: Delivery;
  readonly run: Run | null;
}

/**
 * Re-processes a stored webhook delivery as if it had just arrived: its stored body and headers go
 * through the same parse → run-creation path as `POST /hooks/...`, against the project's CURRENT
 * settings and pipeline. The signature is not checked again (it was checked at receipt, and the
 * stored headers no longer carry it) — which is why deliveries that failed authentication
 * (`unverified-…`: unknown project, bad signature; their bodies may be truncated) are refused.
 *
 * The replay is recorded as a new delivery `replay-<original id>-<uuid>` with `replayOf` set, so the
 * original keeps its own outcome. It creates a run whenever processing the original would: a replay
 * of a delivery that already made a run makes ANOTHER run — the user asked for it explicitly (forge
 * redeliveries of the same id, by contrast, are deduplicated).
 */
export async function replayDelivery(deps: ReplayDeps, project: Project, original: Delivery, actor: string | null): Promise<ReplayResult> {
  if (original.deliveryId.startsWith('unverified-')) {
    throw new GantryError('DELIVERY_NOT_REPLAYABLE', `delivery ${original.id} failed authentication when it arrived (${original.reason ?? 'rejected'}); it cannot be replayed`);
  }
  const { store } = deps;
  const { delivery } = await store.deliveries.recordOnce({
    projectId: project.id,
    forge: original.forge,
    deliveryId: `replay-${original.id}-${(deps.newId ?? randomUUID)()}`,
    event: original.event,
    headers: original.headers,
    body: original.body,
    outcome: 'accepted',
    replayOf: original.id,
  });
  const finish = async (outcome: DeliveryOutcome, reason: string | null, run: Run | null = null): Promise<ReplayResult> => ({
    delivery: await store.deliveries.setOutcome(delivery.id, { outcome, reason, ...(run && { runId: run.id }) }),
    run,
  });

  if (original.forge !== 'generic' && original.forge !== project.forge) {
    return finish('rejected', `project "${project.name}" now takes webhooks from ${project.forge}, not ${original.forge}`);
  }
  let body: unknown;
  try {
    body = webhookJson(original.body, original.headers['content-type']);
  } catch (err) {
    return finish('rejected', `the body is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = parseWebhook(original.forge, original.headers, body);
  if (parsed.kind === 'invalid') return finish('rejected', parsed.reason);
  if (parsed.kind === 'ping') return finish('ignored', 'ping');
  if (parsed.kind === 'ignored') return finish('ignored', parsed.reason);

  const trigger = { kind: parsed.event.name, deliveryId: delivery.id, actor: actor ?? actorOf(body) };
  let result;
  try {
    // explicit: the user asked for this run, so a push already built is built again.
    result = await deps.createRun(project, parsed.event, trigger, { explicit: true, ...(parsed.event.name === 'push' && { before: parsed.before }) });
  } catch (err) {
    const error = toGantryError(err);
    await finish('rejected', `${error.code}: ${error.message}`.slice(0, 2000));
    throw error;
  }
  if (!result.created) return finish('ignored', result.reason);
  return finish('accepted', null, result.run);
}
