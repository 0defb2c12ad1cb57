import { sql, type Kysely } from 'kysely';

/**
 * Replays of webhook deliveries (POST /api/v1/projects/{name}/deliveries/{id}/replay) are recorded as
 * new deliveries that name the one they re-processed. SET NULL: a replay outlives a pruned original.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE deliveries ADD COLUMN replay_of INTEGER REFERENCES deliveries(id) ON DELETE SET NULL`.execute(db);
  await sql`CREATE INDEX deliveries_by_replay_of ON deliveries (replay_of)`.execute(db);
}
