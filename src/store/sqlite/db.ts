import type BetterSqlite3 from 'better-sqlite3';
import type { Compilable, Kysely } from 'kysely';
import { GantryError, type Clock } from '../../core/index.js';
import type { Tables } from './tables.js';

type Statement = BetterSqlite3.Statement<unknown[], unknown>;

/**
 * One better-sqlite3 connection shared by every sub-store, seen two ways: Kysely for single-statement
 * queries, and raw prepared statements for hot paths and multi-statement work.
 *
 * WHY no Kysely transactions after start-up: a Kysely transaction awaits between statements, so raw
 * work on the same connection could run inside it. Multi-statement work here is a SYNCHRONOUS
 * better-sqlite3 transaction instead (`tx`), which runs start to finish in one tick and so cannot
 * interleave with anything. Single statements are atomic on their own.
 */
export class SqliteDb {
  private readonly statements = new Map<string, Statement>();
  private closed = false;

  constructor(
    readonly raw: BetterSqlite3.Database,
    readonly kysely: Kysely<Tables>,
    readonly clock: Clock,
  ) {}

  /** A prepared statement, cached by its SQL text (statements are named constants in each store). */
  stmt(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.raw.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * Runs a Kysely-built read through the statement cache. Kysely's SQLite dialect prepares every
   * query anew, which was a fifth of a run-list request (docs/benchmarks.md, bench:api); the same
   * query shape compiles to the same SQL text, so it is prepared once.
   */
  all<R>(query: Compilable<R>): R[] {
    const { sql, parameters } = query.compile();
    return this.stmt(sql).all(...parameters) as R[];
  }

  first<R>(query: Compilable<R>): R | undefined {
    const { sql, parameters } = query.compile();
    return this.stmt(sql).get(...parameters) as R | undefined;
  }

  /** Runs `fn` in one IMMEDIATE transaction (takes the write lock up front: no upgrade deadlock). */
  tx<T>(fn: () => T): T {
    return this.raw.transaction(fn).immediate();
  }

  /** Every public store method goes through here: closed check and error mapping. */
  async call<T>(what: string, fn: () => T | Promise<T>): Promise<T> {
    if (this.closed) throw new GantryError('STORE_UNAVAILABLE', `store is closed (${what})`, { details: { closed: true } });
    try {
      return await fn();
    } catch (err) {
      throw mapSqliteError(err, what);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.statements.clear();
    // Kysely's destroy closes the better-sqlite3 handle it was given.
    await this.kysely.destroy();
  }
}

/** Translates SQLite errors into GantryError codes; GantryErrors pass through. */
export function mapSqliteError(err: unknown, what: string): unknown {
  if (err instanceof GantryError) return err;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return err;
  const message = `${what}: ${(err as Error).message}`;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return new GantryError('STORE_CONFLICT', message, { cause: err });
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return new GantryError('STORE_NOT_FOUND', message, { cause: err });
  if (code.startsWith('SQLITE_CONSTRAINT')) return new GantryError('STORE_INVALID', message, { cause: err });
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_FULL') {
    return new GantryError('STORE_UNAVAILABLE', message, { cause: err });
  }
  return new GantryError('SYSTEM_INTERNAL', message, { cause: err });
}

/** JSON helpers: columns hold JSON text; a parse failure is a corrupt row, a system fault. */
export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

export function fromJson<T>(text: string): T {
  return JSON.parse(text) as T;
}
