import type { ForgeKind } from './project-store.js';

/**
 * What happened to a delivery: `accepted` = turned into a run (or will be); `ignored` = valid but not
 * for us (ping, unsupported event, no matching `on`); `rejected` = bad signature / unknown project /
 * malformed; `duplicate` = a redelivery the caller chose to record separately (recordOnce itself never
 * inserts a second row for the same id).
 */
export type DeliveryOutcome = 'accepted' | 'ignored' | 'rejected' | 'duplicate';

export interface Delivery {
  /** Assigned by the store (integer). */
  id: number;
  /** null when the project in the URL is unknown. */
  projectId: number | null;
  forge: ForgeKind;
  /** The forge's delivery id (X-GitHub-Delivery, X-Gitea-Delivery, X-Gitlab-Event-UUID, …). */
  deliveryId: string;
  /** The forge's event name (`push`, `pull_request`, `Push Hook`, …). */
  event: string;
  /** Request headers as received MINUS secrets (the caller strips signatures/tokens). */
  headers: Record<string, string>;
  /** Raw request body bytes, kept for replay and for re-verifying signatures. */
  body: Buffer;
  receivedAt: number;
  outcome: DeliveryOutcome;
  reason: string | null;
  runId: number | null;
  /** How many times the same (projectId, forge, deliveryId) arrived again after the first. */
  redeliveries: number;
  /** A replay (asked through the API) names the delivery it re-processed; null for what a forge sent. */
  replayOf: number | null;
}

export interface NewDelivery {
  projectId: number | null;
  forge: ForgeKind;
  deliveryId: string;
  event: string;
  headers: Record<string, string>;
  body: Buffer;
  outcome: DeliveryOutcome;
  reason?: string | null;
  runId?: number | null;
  replayOf?: number | null;
}

/**
 * Every webhook delivery, kept for inspection and replay.
 *
 * Call order for a webhook: `recordOnce` BEFORE answering 2xx (a 2xx means "stored"); when
 * `duplicate` is true, do not create a run (answer with the stored outcome). After creating the run,
 * `setOutcome(id, { runId })` links it.
 * Idempotency: `recordOnce` is idempotent on (projectId, forge, deliveryId) — projectId null counts as
 * one value — also under concurrent calls; a repeat bumps `redeliveries` and returns the first row.
 */
export interface DeliveryStore {
  recordOnce(input: NewDelivery): Promise<{ delivery: Delivery; duplicate: boolean }>;
  /** Throws `STORE_NOT_FOUND` for a missing id. Undefined fields keep their value. */
  setOutcome(id: number, patch: { outcome?: DeliveryOutcome; reason?: string | null; runId?: number | null }): Promise<Delivery>;
  get(id: number): Promise<Delivery | undefined>;
  /** Newest first (id desc; `beforeId` pages). `projectId: null` lists deliveries of unknown projects. */
  listByProject(projectId: number | null, options?: { limit?: number; beforeId?: number }): Promise<Delivery[]>;
}
