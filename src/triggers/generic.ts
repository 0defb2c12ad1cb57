import type { GitEvent } from '../pipeline/index.js';
import { signBody } from './verify.js';
import { classifyRef, isSha, isZeroSha, nonEmpty, obj, str, type ParsedWebhook } from './webhook-event.js';

/**
 * The generic webhook: what Gantry's own post-receive hook sends, and what any script can send.
 *
 *   POST /hooks/generic/{project}
 *   Content-Type: application/json
 *   X-Gantry-Delivery: <unique id; a repeat with the same id starts no second run>
 *   X-Gantry-Signature: sha256=<hex HMAC-SHA256 of the exact body bytes, keyed with the project's secret>
 *   X-Gantry-Event: push   (optional; the only event so far)
 *
 *   { "ref": "refs/heads/main", "before": "<old sha>", "after": "<new sha>", "repository": "optional name" }
 *
 * It carries no commit message, author or file list: the server reads them from git after fetching.
 */
export interface GenericRefUpdate {
  ref: string;
  before: string;
  after: string;
  repository?: string;
}

export interface GenericRequest {
  /** The exact bytes to send: the signature covers them, so they must not be re-serialised. */
  body: string;
  headers: Record<string, string>;
}

export const GENERIC_EVENT = 'push';

/** Builds one signed delivery; `deliveryId` comes from the caller (a random UUID) so this stays pure. */
export function genericDelivery(update: GenericRefUpdate, secret: string, deliveryId: string): GenericRequest {
  const payload: GenericRefUpdate = { ref: update.ref, before: update.before, after: update.after };
  if (update.repository !== undefined) payload.repository = update.repository;
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': 'gantry-hooks',
      'X-Gantry-Event': GENERIC_EVENT,
      'X-Gantry-Delivery': deliveryId,
      'X-Gantry-Signature': signBody(secret, body),
    },
  };
}

export function parseGeneric(forgeEvent: string, body: unknown, deliveryId: string): ParsedWebhook {
  if (forgeEvent === 'ping') return { kind: 'ping', deliveryId, forgeEvent };
  if (forgeEvent !== GENERIC_EVENT) return { kind: 'ignored', deliveryId, forgeEvent, reason: `generic event '${forgeEvent}' is not supported` };
  const payload = obj(body);
  const ref = str(payload?.ref);
  const before = str(payload?.before);
  const after = str(payload?.after);
  if (payload === undefined || !ref || !isSha(before) || !isSha(after)) {
    return { kind: 'invalid', deliveryId, forgeEvent, reason: 'generic payload needs {"ref", "before", "after"} with full hex object names' };
  }
  const target = classifyRef(ref);
  if (target.kind === 'other') return { kind: 'ignored', deliveryId, forgeEvent, reason: `ref ${ref} is not a branch or tag` };
  if (isZeroSha(after)) return { kind: 'ignored', deliveryId, forgeEvent, reason: `${target.kind} deleted` };
  const event: GitEvent = target.kind === 'branch' ? { name: 'push', branch: target.name, sha: after } : { name: 'tag', tag: target.name, sha: after };
  const repository = nonEmpty(payload.repository);
  if (repository !== undefined) event.repository = repository;
  return { kind: 'event', deliveryId, forgeEvent, event, ref, before, after, deleted: false };
}

/**
 * What git gives a post-receive (or pre-receive) hook on stdin: one `<old> <new> <ref>` line per
 * updated ref. Lines that do not have that shape are skipped, not fatal: a hook must not fail.
 */
export function parsePostReceiveInput(text: string): GenericRefUpdate[] {
  const updates: GenericRefUpdate[] = [];
  for (const line of text.split('\n')) {
    const match = /^([0-9a-f]{40}|[0-9a-f]{64}) ([0-9a-f]{40}|[0-9a-f]{64}) (\S+)$/.exec(line.trim());
    if (match) updates.push({ before: match[1]!, after: match[2]!, ref: match[3]! });
  }
  return updates;
}
