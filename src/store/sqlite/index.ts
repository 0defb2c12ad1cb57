/**
 * The SQLite store driver (better-sqlite3 12 through Kysely; WAL, foreign keys, busy timeout;
 * migrations from migrations/sqlite run at open). Composition roots and tests pick it here.
 */
export { createSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export { openTempSqliteStore, type TempSqliteStore } from './temp-store.js';
export { dumpSqliteSchema } from './schema-dump.js';
