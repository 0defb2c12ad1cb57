import type { Selectable } from 'kysely';
import { GantryError } from '../../core/index.js';
import type { Delivery, DeliveryOutcome, DeliveryStore, NewDelivery } from '../index.js';
import { toJson, type SqliteDb } from './db.js';
import { toDelivery } from './rows.js';
import type { DeliveriesTable } from './tables.js';

const SQL = {
  findOnce: `SELECT * FROM deliveries WHERE forge = ? AND ifnull(project_id, 0) = ifnull(?, 0) AND delivery_id = ?`,
  countRedelivery: `UPDATE deliveries SET redeliveries = redeliveries + 1 WHERE id = ? RETURNING *`,
  insert: `INSERT INTO deliveries (project_id, forge, delivery_id, event, headers_json, body, received_at, outcome, reason, run_id, replay_of)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
} as const;

type Row = Selectable<DeliveriesTable>;

export class SqliteDeliveryStore implements DeliveryStore {
  constructor(private readonly db: SqliteDb) {}

  recordOnce(input: NewDelivery): Promise<{ delivery: Delivery; duplicate: boolean }> {
    return this.db.call('deliveries.recordOnce', () =>
      // Look-up and insert in one synchronous transaction: two concurrent calls cannot both insert.
      this.db.tx(() => {
        const existing = this.db.stmt(SQL.findOnce).get(input.forge, input.projectId, input.deliveryId) as Row | undefined;
        if (existing) {
          const bumped = this.db.stmt(SQL.countRedelivery).get(existing.id) as Row;
          return { delivery: toDelivery(bumped), duplicate: true };
        }
        const row = this.db.stmt(SQL.insert).get(
          input.projectId, input.forge, input.deliveryId, input.event, toJson(input.headers), input.body,
          this.db.clock.now(), input.outcome, input.reason ?? null, input.runId ?? null, input.replayOf ?? null,
        ) as Row;
        return { delivery: toDelivery(row), duplicate: false };
      }),
    );
  }

  setOutcome(id: number, patch: { outcome?: DeliveryOutcome; reason?: string | null; runId?: number | null }): Promise<Delivery> {
    return this.db.call('deliveries.setOutcome', async () => {
      const query = this.db.kysely
        .updateTable('deliveries')
        .set({
          ...(patch.outcome !== undefined && { outcome: patch.outcome }),
          ...(patch.reason !== undefined && { reason: patch.reason }),
          ...(patch.runId !== undefined && { run_id: patch.runId }),
        })
        .where('id', '=', id)
        .returningAll();
      // An empty patch still answers with the row (UPDATE needs at least one SET column).
      const row = Object.keys(patch).some((k) => patch[k as keyof typeof patch] !== undefined)
        ? await query.executeTakeFirst()
        : this.db.first(this.db.kysely.selectFrom('deliveries').selectAll().where('id', '=', id));
      if (!row) throw new GantryError('STORE_NOT_FOUND', `no delivery with id ${id}`, { details: { id } });
      return toDelivery(row);
    });
  }

  get(id: number): Promise<Delivery | undefined> {
    return this.db.call('deliveries.get', async () => {
      const row = this.db.first(this.db.kysely.selectFrom('deliveries').selectAll().where('id', '=', id));
      return row && toDelivery(row);
    });
  }

  listByProject(projectId: number | null, options: { limit?: number; beforeId?: number } = {}): Promise<Delivery[]> {
    return this.db.call('deliveries.listByProject', async () => {
      let query = this.db.kysely
        .selectFrom('deliveries')
        .selectAll()
        .where('project_id', projectId === null ? 'is' : '=', projectId)
        .orderBy('id', 'desc')
        .limit(clampLimit(options.limit, 50, 500));
      if (options.beforeId !== undefined) query = query.where('id', '<', options.beforeId);
      return (await query.execute()).map(toDelivery);
    });
  }
}

export function clampLimit(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.max(1, Math.min(max, Math.floor(limit)));
}
