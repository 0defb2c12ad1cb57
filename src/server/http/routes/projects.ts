import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GantryError } from '../../../core/index.js';
import type { Project, ProjectPatch, Store } from '../../../store/index.js';
import { readableProjects } from '../auth.js';
import { createProjectBody, projectList, projectNameParams, projectView, toProjectView } from '../project-schemas.js';
import { requestSchema, responseSchema } from '../zod-schemas.js';
import { projectOrThrow } from './runs.js';

/** What deleting a project needs besides the store: its mirror on disk goes too. */
export interface ProjectFiles {
  remove(project: Pick<Project, 'id'>): Promise<void>;
}

const fields = createProjectBody.shape;
/**
 * PATCH: every field optional, none defaulted (an absent field keeps its value), `null` clears the
 * nullable ones. Reuses the create schema's field checks so both stay alike.
 */
const patchProjectBody = z
  .object({
    repoUrl: fields.repoUrl.optional(),
    forge: fields.forge.unwrap().optional(),
    webhookSecret: z.string().min(1).max(512).nullable().optional(),
    defaultBranch: fields.defaultBranch.unwrap().optional(),
    pollInterval: fields.pollInterval,
    settings: fields.settings,
  })
  .strict();

function toPatch(body: z.output<typeof patchProjectBody>): ProjectPatch {
  const patch: ProjectPatch = {};
  if (body.repoUrl !== undefined) patch.repoUrl = body.repoUrl;
  if (body.forge !== undefined) patch.forge = body.forge;
  if (body.webhookSecret !== undefined) patch.webhookSecret = body.webhookSecret;
  if (body.defaultBranch !== undefined) patch.defaultBranch = body.defaultBranch;
  if (body.pollInterval !== undefined) patch.pollIntervalMs = body.pollInterval;
  if (body.settings !== undefined) patch.settings = body.settings;
  return patch;
}

const ACTIVE = ['queued', 'waiting', 'running'] as const;

/**
 * Projects API: create and delete (admin), list (filtered to what the caller may read), show
 * (`project:read`), change settings (`project:manage`).
 * Deleting refuses while runs are active: their jobs may be leased to agents that would report into
 * rows that no longer exist. Cancel them first.
 */
export function projectRoutes(app: FastifyInstance, store: Store, files?: ProjectFiles): void {
  const view = responseSchema(projectView);
  const params = requestSchema(projectNameParams);

  app.post(
    '/projects',
    { config: { permission: 'admin' }, schema: { summary: 'Register a project', body: requestSchema(createProjectBody), response: { 201: view } } },
    async (request, reply) => {
      const body = request.body as z.output<typeof createProjectBody>;
      try {
        const project = await store.projects.create({
          name: body.name,
          repoUrl: body.repoUrl,
          forge: body.forge,
          webhookSecret: body.secret ?? null,
          defaultBranch: body.defaultBranch,
          pollIntervalMs: body.pollInterval ?? null,
          settings: body.settings ?? {},
        });
        request.log.info({ project: project.name }, 'project created');
        return reply.code(201).header('location', `/api/v1/projects/${project.name}`).send(toProjectView(project));
      } catch (err) {
        if (err instanceof GantryError && err.code === 'STORE_CONFLICT') {
          throw new GantryError('PROJECT_EXISTS', `a project named "${body.name}" already exists`, { cause: err });
        }
        throw err;
      }
    },
  );

  // Every signed-in caller may ask; the answer holds only the projects they may read.
  app.get(
    '/projects',
    { config: { permission: 'anyone' }, schema: { summary: 'List the projects the caller may read (anonymous callers: the public ones)', response: { 200: responseSchema(projectList) } } },
    async (request) => {
      const projects = await readableProjects(store, request.principal, await store.projects.list());
      return { projects: projects.map(toProjectView) };
    },
  );

  app.get('/projects/:name', { config: { permission: 'project:read' }, schema: { summary: 'Show a project', params, response: { 200: view } } }, async (request) => {
    const { name } = request.params as z.output<typeof projectNameParams>;
    return toProjectView(await projectOrThrow(store, name));
  });

  app.patch(
    '/projects/:name',
    { config: { permission: 'project:manage' }, schema: { summary: 'Change a project', params, body: requestSchema(patchProjectBody), response: { 200: view } } },
    async (request) => {
      const { name } = request.params as z.output<typeof projectNameParams>;
      const patch = toPatch(request.body as z.output<typeof patchProjectBody>);
      const project = await projectOrThrow(store, name);
      const updated = await store.projects.update(project.id, patch);
      // Field names only: the secret's value never reaches a log.
      request.log.info({ project: name, fields: Object.keys(patch) }, 'project changed');
      return toProjectView(updated);
    },
  );

  app.delete(
    '/projects/:name',
    { config: { permission: 'admin' }, schema: { summary: 'Delete a project with its runs, logs, deliveries and mirror', params, response: { 204: { type: 'null' } } } },
    async (request, reply) => {
      const { name } = request.params as z.output<typeof projectNameParams>;
      const project = await projectOrThrow(store, name);
      const active = await store.runs.list(project.id, { status: ACTIVE, limit: 1 });
      if (active.runs.length > 0) {
        const run = active.runs[0]!;
        throw new GantryError('PROJECT_HAS_ACTIVE_RUNS', `project ${name} has active runs (#${run.number} is ${run.status}); cancel them first`, {
          details: { run: run.number },
        });
      }
      await store.projects.delete(project.id);
      await files?.remove(project);
      request.log.info({ project: name, projectId: project.id }, 'project deleted');
      return reply.code(204).send();
    },
  );
}
