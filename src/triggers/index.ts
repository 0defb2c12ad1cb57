/**
 * Triggers: what turns the outside world into events. Pure except `lsRemote` (runs git).
 *
 *   verifyWebhook(forge, headers, rawBody, secret)  authenticate a delivery over its RAW bytes (constant time)
 *   parseWebhook(forge, headers, body)              → ping | ignored | invalid | event (GitEvent + ref update)
 *   genericDelivery(update, secret, deliveryId)     build a signed generic delivery (post-receive hook, scripts)
 *   dueCronRuns(schedules, lastFired, now)          schedules to fire now, at most once each (catch-up = one run)
 *   parseLsRemote(output) / diffRefs(prev, cur)     polling: snapshots → ref changes
 *   lsRemote(url)                                   `git ls-remote --heads --tags` with a timeout
 *
 * The server wires these to HTTP routes, the store and its timers; triggers knows neither.
 */
export { FORGES, isForge, type Forge } from './forge.js';
export { header, headerValues, type WebhookHeaders } from './headers.js';
export { verifyWebhook, signBody, signatureHeader, type VerifyResult, type VerifyFailure } from './verify.js';
export { parseWebhook, deliveryIdOf, forgeEventOf } from './parse-webhook.js';
export { ZERO_SHA, isZeroSha, classifyRef, type ParsedWebhook, type WebhookEvent, type RefKind } from './webhook-event.js';
export { genericDelivery, parsePostReceiveInput, GENERIC_EVENT, type GenericRefUpdate, type GenericRequest } from './generic.js';
export { dueCronRuns, nextCronTime, validateCronSchedule, type CronSchedule, type CronDue } from './cron.js';
export { parseLsRemote, diffRefs, type RefChange, type RefSnapshot } from './refs.js';
export { lsRemote, redactUrl, type LsRemoteOptions } from './ls-remote.js';
