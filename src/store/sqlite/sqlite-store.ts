import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, type Migration } from 'kysely';
import { GantryError, systemClock, type Clock } from '../../core/index.js';
import type { Store } from '../index.js';
import { SqliteApprovalStore } from './approval-store.js';
import { SqliteArtifactStore } from './artifact-store.js';
import { SqliteCacheStore } from './cache-store.js';
import { SqliteDb } from './db.js';
import { SqliteDeliveryStore } from './delivery-store.js';
import { SqliteLogStore } from './log-store.js';
import { SqliteMemberStore } from './member-store.js';
import { migrateSqlite } from './migrate.js';
import { SqliteProjectStore } from './project-store.js';
import { SqliteRefreshTokenStore } from './refresh-token-store.js';
import { SqliteRunStore } from './run-store.js';
import { SqliteSecretStore } from './secret-store.js';
import { SqliteStateStore } from './state-store.js';
import type { Tables } from './tables.js';
import { SqliteTokenStore } from './token-store.js';
import { SqliteAgentTokenStore } from './agent-token-store.js';
import { SqliteUserStore } from './user-store.js';

export interface SqliteStoreOptions {
  /** Database file; created with its directory's permissions if missing. Not `:memory:` (WAL needs a file). */
  file: string;
  clock?: Clock;
  /** How long a statement waits for another process's lock before STORE_UNAVAILABLE. Default 5000 ms. */
  busyTimeoutMs?: number;
  /**
   * `full` (default): a commit is on disk when it returns — survives power loss, not only kill -9.
   * `normal`: faster; in WAL mode survives a process crash but may lose the last commits on power loss.
   */
  synchronous?: 'full' | 'normal';
  /** Tests only: migrate with this set instead of the shipped one. */
  migrations?: Readonly<Record<string, Migration>>;
}

/**
 * Opens (creating if needed) a SQLite database, migrates it forward to the newest schema and returns
 * the Store. One connection per Store; better-sqlite3 runs statements synchronously, so a Store
 * serializes its own statements, and WAL lets other processes read while it writes.
 */
export async function createSqliteStore(options: SqliteStoreOptions): Promise<Store & { readonly file: string; readonly synchronous: 'full' | 'normal' }> {
  if (options.file === ':memory:' || options.file === '') {
    throw new GantryError('CONFIG_INVALID', 'the SQLite store needs a file path (":memory:" cannot use WAL and loses data)');
  }
  let raw: Database.Database;
  try {
    raw = new Database(options.file);
  } catch (err) {
    throw new GantryError('STORE_UNAVAILABLE', `cannot open SQLite database ${options.file}: ${(err as Error).message}`, { cause: err });
  }
  const kysely = new Kysely<Tables>({ dialect: new SqliteDialect({ database: raw }) });
  try {
    raw.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    raw.pragma('journal_mode = WAL');
    raw.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    raw.pragma('foreign_keys = ON');
    await migrateSqlite(kysely as Kysely<unknown>, options.file, options.migrations);
  } catch (err) {
    await kysely.destroy();
    throw err;
  }
  const db = new SqliteDb(raw, kysely, options.clock ?? systemClock);
  return {
    driver: 'sqlite',
    file: options.file,
    // Read back from SQLite, not echoed from the options: what the connection really does.
    synchronous: raw.pragma('synchronous', { simple: true }) === 1 ? 'normal' : 'full',
    projects: new SqliteProjectStore(db),
    deliveries: new SqliteDeliveryStore(db),
    runs: new SqliteRunStore(db),
    logs: new SqliteLogStore(db),
    tokens: new SqliteTokenStore(db),
    state: new SqliteStateStore(db),
    users: new SqliteUserStore(db),
    members: new SqliteMemberStore(db),
    refreshTokens: new SqliteRefreshTokenStore(db),
    approvals: new SqliteApprovalStore(db),
    secrets: new SqliteSecretStore(db),
    agentTokens: new SqliteAgentTokenStore(db),
    artifacts: new SqliteArtifactStore(db),
    caches: new SqliteCacheStore(db),
    ping: () => db.call('ping', () => void db.stmt('SELECT 1').get()),
    close: () => db.close(),
  };
}
