import type { Selectable } from 'kysely';
import { GantryError } from '../../core/index.js';
import type { Membership, MemberStore, ProjectRole } from '../index.js';
import type { SqliteDb } from './db.js';
import type { ProjectMembersTable } from './tables.js';

function toMembership(row: Selectable<ProjectMembersTable>): Membership {
  return { projectId: row.project_id, userId: row.user_id, role: row.role as ProjectRole, createdAt: row.created_at };
}

export class SqliteMemberStore implements MemberStore {
  constructor(private readonly db: SqliteDb) {}

  set(projectId: number, userId: number, role: ProjectRole): Promise<Membership> {
    return this.db.call('members.set', async () => {
      try {
        const row = await this.db.kysely
          .insertInto('project_members')
          .values({ project_id: projectId, user_id: userId, role, created_at: this.db.clock.now() })
          .onConflict((oc) => oc.columns(['project_id', 'user_id']).doUpdateSet({ role }))
          .returningAll()
          .executeTakeFirstOrThrow();
        return toMembership(row);
      } catch (err) {
        if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
          throw new GantryError('STORE_NOT_FOUND', `no project ${projectId} or no user ${userId}`, { details: { projectId, userId }, cause: err });
        }
        throw err;
      }
    });
  }

  get(projectId: number, userId: number): Promise<Membership | undefined> {
    return this.db.call('members.get', async () => {
      const row = await this.db.kysely
        .selectFrom('project_members').selectAll()
        .where('project_id', '=', projectId).where('user_id', '=', userId)
        .executeTakeFirst();
      return row && toMembership(row);
    });
  }

  remove(projectId: number, userId: number): Promise<boolean> {
    return this.db.call('members.remove', async () => {
      const result = await this.db.kysely.deleteFrom('project_members').where('project_id', '=', projectId).where('user_id', '=', userId).executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }

  listByProject(projectId: number): Promise<(Membership & { username: string })[]> {
    return this.db.call('members.listByProject', async () => {
      const rows = await this.db.kysely
        .selectFrom('project_members')
        .innerJoin('users', 'users.id', 'project_members.user_id')
        .selectAll('project_members')
        .select('users.username')
        .where('project_members.project_id', '=', projectId)
        .orderBy('users.username')
        .execute();
      return rows.map((row) => ({ ...toMembership(row), username: row.username }));
    });
  }

  listByUser(userId: number): Promise<Membership[]> {
    return this.db.call('members.listByUser', async () =>
      this.db.all(this.db.kysely.selectFrom('project_members').selectAll().where('user_id', '=', userId).orderBy('project_id')).map(toMembership));
  }
}
