import type { Selectable } from 'kysely';
import { GantryError } from '../../core/index.js';
import type { NewUser, User, UserPatch, UserStore } from '../index.js';
import type { SqliteDb } from './db.js';
import type { UsersTable } from './tables.js';

function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    passwordHash: row.password_hash,
    admin: row.admin !== 0,
    active: row.active !== 0,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class SqliteUserStore implements UserStore {
  constructor(private readonly db: SqliteDb) {}

  create(input: NewUser): Promise<User> {
    return this.db.call('users.create', async () => {
      const now = this.db.clock.now();
      try {
        const row = await this.db.kysely
          .insertInto('users')
          .values({
            username: input.username,
            display_name: input.displayName ?? null,
            password_hash: input.passwordHash,
            admin: input.admin ? 1 : 0,
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toUser(row);
      } catch (err) {
        if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new GantryError('STORE_CONFLICT', `a user named "${input.username}" already exists`, { details: { username: input.username }, cause: err });
        }
        throw err;
      }
    });
  }

  getById(id: number): Promise<User | undefined> {
    return this.db.call('users.getById', async () => {
      const row = this.db.first(this.db.kysely.selectFrom('users').selectAll().where('id', '=', id));
      return row && toUser(row);
    });
  }

  getByUsername(username: string): Promise<User | undefined> {
    return this.db.call('users.getByUsername', async () => {
      const row = this.db.first(this.db.kysely.selectFrom('users').selectAll().where('username', '=', username));
      return row && toUser(row);
    });
  }

  list(): Promise<User[]> {
    return this.db.call('users.list', async () => this.db.all(this.db.kysely.selectFrom('users').selectAll().orderBy('username')).map(toUser));
  }

  count(): Promise<number> {
    return this.db.call('users.count', async () => {
      const row = await this.db.kysely.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    });
  }

  update(id: number, patch: UserPatch): Promise<User> {
    return this.db.call('users.update', async () => {
      const row = await this.db.kysely
        .updateTable('users')
        .set({
          ...(patch.displayName !== undefined && { display_name: patch.displayName }),
          ...(patch.passwordHash !== undefined && { password_hash: patch.passwordHash }),
          ...(patch.admin !== undefined && { admin: patch.admin ? 1 : 0 }),
          ...(patch.active !== undefined && { active: patch.active ? 1 : 0 }),
          updated_at: this.db.clock.now(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new GantryError('STORE_NOT_FOUND', `no user with id ${id}`, { details: { id } });
      return toUser(row);
    });
  }

  delete(id: number): Promise<boolean> {
    return this.db.call('users.delete', async () => {
      const result = await this.db.kysely.deleteFrom('users').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }
}
