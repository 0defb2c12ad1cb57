import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { GantryError } from '../../../core/index.js';
import type { Store } from '../../../store/index.js';
import { memberBody, memberList, memberParams, memberView, toMemberView } from '../../auth/account-schemas.js';
import { projectParams } from '../run-schemas.js';
import { requestSchema, responseSchema } from '../zod-schemas.js';
import { projectOrThrow } from './runs.js';
import { userOrThrow } from './users.js';

/**
 * Who may do what in a project: members with a role (viewer < developer < maintainer). Anyone who
 * may read the project sees its members; maintainers (and instance admins) add, change and remove them.
 */
export function memberRoutes(app: FastifyInstance, store: Store): void {
  app.get(
    '/projects/:name/members',
    { config: { permission: 'project:read' }, schema: { summary: "A project's members and roles", params: requestSchema(projectParams), response: { 200: responseSchema(memberList) } } },
    async (request) => {
      const { name } = request.params as z.output<typeof projectParams>;
      const project = await projectOrThrow(store, name);
      return { members: (await store.members.listByProject(project.id)).map(toMemberView) };
    },
  );

  app.put(
    '/projects/:name/members/:username',
    { config: { permission: 'project:manage' }, schema: { summary: "Set a user's role in the project", params: requestSchema(memberParams), body: requestSchema(memberBody), response: { 200: responseSchema(memberView) } } },
    async (request) => {
      const { name, username } = request.params as z.output<typeof memberParams>;
      const { role } = request.body as z.output<typeof memberBody>;
      const project = await projectOrThrow(store, name);
      const user = await userOrThrow(store, username);
      const member = await store.members.set(project.id, user.id, role);
      request.log.info({ project: name, username, role, by: request.principal?.name }, 'project role set');
      return toMemberView({ ...member, username });
    },
  );

  app.delete(
    '/projects/:name/members/:username',
    { config: { permission: 'project:manage' }, schema: { summary: "Remove a user's role in the project", params: requestSchema(memberParams), response: { 204: { type: 'null' } } } },
    async (request, reply) => {
      const { name, username } = request.params as z.output<typeof memberParams>;
      const project = await projectOrThrow(store, name);
      const user = await userOrThrow(store, username);
      if (!(await store.members.remove(project.id, user.id))) throw new GantryError('USER_NOT_FOUND', `${username} is not a member of ${name}`);
      request.log.info({ project: name, username, by: request.principal?.name }, 'project role removed');
      return reply.code(204).send();
    },
  );
}
