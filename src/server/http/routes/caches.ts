import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GantryError } from '../../../core/index.js';
import type { CacheEntry, Store } from '../../../store/index.js';
import type { BlobFiles } from '../../artifacts/index.js';
import { projectParams } from '../run-schemas.js';
import { requestSchema, responseSchema } from '../zod-schemas.js';
import { projectOrThrow } from './runs.js';

const cacheParams = projectParams.extend({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }).strict();

const cacheView = z.object({
  id: z.number().int(),
  scope: z.string(),
  key: z.string(),
  sizeBytes: z.number().int(),
  createdAt: z.string(),
  lastUsedAt: z.string(),
});
const cacheList = z.object({ caches: z.array(cacheView), totalBytes: z.number().int() });

function toCacheView(entry: CacheEntry): z.output<typeof cacheView> {
  const { id, scope, key, sizeBytes } = entry;
  return { id, scope, key, sizeBytes, createdAt: new Date(entry.createdAt).toISOString(), lastUsedAt: new Date(entry.lastUsedAt).toISOString() };
}

/** More than any quota holds in practice; the list is for people looking at it. */
const LIST_LIMIT = 10_000;

/**
 * A project's cache entries: the list, most recently used first (`project:read`), and deleting one
 * (`project:manage`) — the way out of a bad entry, since entries never change and a job whose key
 * matches keeps restoring it. An id of another project's entry is 404 like an unknown one.
 */
export function cacheRoutes(app: FastifyInstance, store: Store, files: BlobFiles): void {
  app.get(
    '/projects/:name/caches',
    { config: { permission: 'project:read' }, schema: { summary: "A project's cache entries, most recently used first", params: requestSchema(projectParams), response: { 200: responseSchema(cacheList) } } },
    async (request) => {
      const { name } = request.params as z.output<typeof projectParams>;
      const project = await projectOrThrow(store, name);
      const entries = (await store.caches.leastRecentlyUsed(project.id, LIST_LIMIT)).reverse();
      return { caches: entries.map(toCacheView), totalBytes: await store.caches.usage(project.id) };
    },
  );

  app.delete(
    '/projects/:name/caches/:id',
    { config: { permission: 'project:manage' }, schema: { summary: 'Delete a cache entry (its file too): the next run saves a fresh one', params: requestSchema(cacheParams) } },
    async (request, reply) => {
      const { name, id } = request.params as z.output<typeof cacheParams>;
      const project = await projectOrThrow(store, name);
      const entry = (await store.caches.leastRecentlyUsed(project.id, LIST_LIMIT)).find((e) => e.id === id);
      if (!entry) throw new GantryError('CACHE_NOT_FOUND', `${project.name} has no cache entry ${id}`);
      // Row first: a restore that already opened the file still reads all of it.
      if (await store.caches.delete(entry.id)) await files.remove(entry.blob);
      request.log.info({ project: project.name, cacheKey: entry.key, scope: entry.scope, by: request.principal?.name }, 'cache entry deleted');
      return reply.code(204).send();
    },
  );
}
