import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { GantryError } from '../../../core/index.js';
import type { Store } from '../../../store/index.js';
import { createProjectBody, projectList, projectNameParams, projectView, toProjectView } from '../project-schemas.js';
import { requestSchema, responseSchema } from '../zod-schemas.js';

/** Projects API (admin only for now): create, list, get by name. */
export function projectRoutes(app: FastifyInstance, store: Store): void {
  const view = responseSchema(projectView);

  app.post(
    '/projects',
    { config: { permission: 'admin' }, schema: { body: requestSchema(createProjectBody), response: { 201: view } } },
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

  app.get('/projects', { config: { permission: 'admin' }, schema: { response: { 200: responseSchema(projectList) } } }, async () => {
    const projects = await store.projects.list();
    return { projects: projects.map(toProjectView) };
  });

  app.get(
    '/projects/:name',
    { config: { permission: 'admin' }, schema: { params: requestSchema(projectNameParams), response: { 200: view } } },
    async (request) => {
      const { name } = request.params as z.output<typeof projectNameParams>;
      const project = await store.projects.getByName(name);
      if (!project) throw new GantryError('PROJECT_NOT_FOUND', `no project named "${name}"`);
      return toProjectView(project);
    },
  );
}
