import { GantryError } from '../../core/index.js';
import { DEFAULT_PROJECT_SETTINGS, type NewProject, type Project, type ProjectPatch, type ProjectStore } from '../index.js';
import type { SqliteDb } from './db.js';
import { toProject } from './rows.js';

export class SqliteProjectStore implements ProjectStore {
  constructor(private readonly db: SqliteDb) {}

  create(input: NewProject): Promise<Project> {
    return this.db.call('projects.create', async () => {
      const now = this.db.clock.now();
      const settings = { ...DEFAULT_PROJECT_SETTINGS, ...input.settings };
      try {
        const row = await this.db.kysely
          .insertInto('projects')
          .values({
            name: input.name,
            repo_url: input.repoUrl,
            forge: input.forge,
            webhook_secret: input.webhookSecret ?? null,
            default_branch: input.defaultBranch ?? 'main',
            poll_interval_ms: input.pollIntervalMs ?? null,
            auto_cancel: settings.autoCancel ? 1 : 0,
            max_concurrent_runs: settings.maxConcurrentRuns,
            priority: settings.priority,
            protected_environments: JSON.stringify(settings.protectedEnvironments),
            public: settings.public ? 1 : 0,
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toProject(row);
      } catch (err) {
        if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new GantryError('STORE_CONFLICT', `a project named "${input.name}" already exists`, { details: { name: input.name }, cause: err });
        }
        throw err;
      }
    });
  }

  getById(id: number): Promise<Project | undefined> {
    return this.db.call('projects.getById', async () => {
      const row = this.db.first(this.db.kysely.selectFrom('projects').selectAll().where('id', '=', id));
      return row && toProject(row);
    });
  }

  getByName(name: string): Promise<Project | undefined> {
    return this.db.call('projects.getByName', async () => {
      const row = this.db.first(this.db.kysely.selectFrom('projects').selectAll().where('name', '=', name));
      return row && toProject(row);
    });
  }

  list(): Promise<Project[]> {
    return this.db.call('projects.list', async () => {
      const rows = this.db.all(this.db.kysely.selectFrom('projects').selectAll().orderBy('name'));
      return rows.map(toProject);
    });
  }

  update(id: number, patch: ProjectPatch): Promise<Project> {
    return this.db.call('projects.update', async () => {
      const s = patch.settings ?? {};
      const row = await this.db.kysely
        .updateTable('projects')
        .set({
          ...(patch.repoUrl !== undefined && { repo_url: patch.repoUrl }),
          ...(patch.forge !== undefined && { forge: patch.forge }),
          ...(patch.webhookSecret !== undefined && { webhook_secret: patch.webhookSecret }),
          ...(patch.defaultBranch !== undefined && { default_branch: patch.defaultBranch }),
          ...(patch.pollIntervalMs !== undefined && { poll_interval_ms: patch.pollIntervalMs }),
          ...(s.autoCancel !== undefined && { auto_cancel: s.autoCancel ? 1 : 0 }),
          ...(s.maxConcurrentRuns !== undefined && { max_concurrent_runs: s.maxConcurrentRuns }),
          ...(s.priority !== undefined && { priority: s.priority }),
          ...(s.protectedEnvironments !== undefined && { protected_environments: JSON.stringify(s.protectedEnvironments) }),
          ...(s.public !== undefined && { public: s.public ? 1 : 0 }),
          updated_at: this.db.clock.now(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new GantryError('STORE_NOT_FOUND', `no project with id ${id}`, { details: { id } });
      return toProject(row);
    });
  }

  delete(id: number): Promise<boolean> {
    return this.db.call('projects.delete', async () => {
      const result = await this.db.kysely.deleteFrom('projects').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }
}
