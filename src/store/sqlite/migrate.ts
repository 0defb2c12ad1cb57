import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import { GantryError } from '../../core/index.js';
import { SQLITE_MIGRATIONS } from '../../../migrations/sqlite/index.js';

export const MIGRATION_TABLE = 'kysely_migration';

/**
 * Brings the database to the newest schema this code knows, forward-only.
 * Refuses (STORE_SCHEMA_TOO_NEW) a database that has migrations this code does not know: it was
 * written by a newer Gantry, and running older code on it could corrupt data.
 * Runs at start, before any other statement; Kysely's Migrator takes its own lock table and
 * transaction per migration, so a crash mid-way leaves the database at the last completed one.
 */
export async function migrateSqlite(
  db: Kysely<unknown>,
  file: string,
  migrations: Readonly<Record<string, Migration>> = SQLITE_MIGRATIONS,
): Promise<string[]> {
  await refuseNewerSchema(db, file, migrations);
  const migrator = new Migrator({ db, provider: { getMigrations: async () => ({ ...migrations }) } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new GantryError('SYSTEM_INTERNAL', `migrating ${file} failed${failed ? ` at ${failed}` : ''}: ${String((error as Error).message ?? error)}`, {
      details: { file, migration: failed },
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

async function refuseNewerSchema(db: Kysely<unknown>, file: string, migrations: Readonly<Record<string, Migration>>): Promise<void> {
  const table = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name = ${MIGRATION_TABLE}`.execute(db);
  if (table.rows.length === 0) return;
  const applied = await sql<{ name: string }>`SELECT name FROM ${sql.table(MIGRATION_TABLE)} ORDER BY name`.execute(db);
  const unknown = applied.rows.map((r) => r.name).filter((name) => !(name in migrations));
  if (unknown.length > 0) {
    const known = Object.keys(migrations).sort();
    throw new GantryError(
      'STORE_SCHEMA_TOO_NEW',
      `the database ${file} was migrated by a newer Gantry (migrations ${unknown.join(', ')} are unknown to this version, ` +
        `which knows up to ${known[known.length - 1] ?? 'none'}). Upgrade Gantry, or point it at a backup made by this version.`,
      { details: { file, unknown, known } },
    );
  }
}
