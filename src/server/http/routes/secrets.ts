import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GantryError } from '../../../core/index.js';
import type { Project, SecretInfo, SecretScope, Store } from '../../../store/index.js';
import type { SecretView } from '../../../api-client/index.js';
import { MAX_SECRET_VALUE_BYTES, secretName, sealContext, type SecretBox } from '../../secrets/index.js';
import { projectParams } from '../run-schemas.js';
import { requestSchema, responseSchema } from '../zod-schemas.js';
import { projectOrThrow } from './runs.js';

const instanceParams = z.object({ secret: secretName }).strict();
const projectSecretParams = projectParams.extend({ secret: secretName }).strict();
// Messages name the rule, never the value (zod's default messages do not echo input either).
const setBody = z
  .object({
    value: z
      .string()
      .min(1, 'must not be empty (delete the secret instead)')
      .refine((v) => Buffer.byteLength(v, 'utf8') <= MAX_SECRET_VALUE_BYTES, `at most ${MAX_SECRET_VALUE_BYTES} bytes`),
  })
  .strict();
const secretView = z.object({
  name: z.string(),
  scope: z.enum(['instance', 'project']),
  project: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const secretList = z.object({ secrets: z.array(secretView) });

function toView(info: SecretInfo, project: Project | undefined): SecretView {
  return {
    name: info.name,
    scope: project ? 'project' : 'instance',
    project: project?.name ?? null,
    createdAt: new Date(info.createdAt).toISOString(),
    updatedAt: new Date(info.updatedAt).toISOString(),
  };
}

/**
 * Secrets API: instance secrets (admin) under `/secrets`, project secrets (project:manage) under
 * `/projects/:name/secrets`. Values are write-only: sealed (SecretBox) before they reach the store;
 * no answer, log line or error message carries one. Bodies are never logged by Fastify, and the
 * handlers log only names.
 */
export function secretRoutes(app: FastifyInstance, store: Store, box: SecretBox): void {
  const view = responseSchema(secretView);
  const list = { 200: responseSchema(secretList) };

  /** Both scopes share the handlers; `project` is undefined for the instance. */
  const put = async (scope: SecretScope, project: Project | undefined, name: string, value: string) => {
    const { created, secret } = await store.secrets.put(scope, name, box.seal(value, sealContext.secret(scope, name)));
    return { created, view: toView(secret, project) };
  };
  const remove = async (scope: SecretScope, project: Project | undefined, name: string) => {
    if (!(await store.secrets.delete(scope, name))) {
      throw new GantryError('SECRET_NOT_FOUND', project ? `project ${project.name} has no secret ${name}` : `the instance has no secret ${name}`, { details: { name } });
    }
  };

  app.get('/secrets', { config: { permission: 'admin' }, schema: { summary: 'List instance secrets (names and times, never values)', response: list } }, async () => ({
    secrets: (await store.secrets.list({ kind: 'instance' })).map((info) => toView(info, undefined)),
  }));

  app.put(
    '/secrets/:secret',
    {
      config: { permission: 'admin' },
      schema: { summary: 'Create or replace an instance secret (write-only)', params: requestSchema(instanceParams), body: requestSchema(setBody), response: { 200: view, 201: view } },
    },
    async (request, reply) => {
      const { secret } = request.params as z.output<typeof instanceParams>;
      const { value } = request.body as z.output<typeof setBody>;
      const result = await put({ kind: 'instance' }, undefined, secret, value);
      request.log.info({ name: secret, scope: 'instance', created: result.created }, 'secret set');
      return reply.code(result.created ? 201 : 200).send(result.view);
    },
  );

  app.delete('/secrets/:secret', { config: { permission: 'admin' }, schema: { summary: 'Delete an instance secret', params: requestSchema(instanceParams) } }, async (request, reply) => {
    const { secret } = request.params as z.output<typeof instanceParams>;
    await remove({ kind: 'instance' }, undefined, secret);
    request.log.info({ name: secret, scope: 'instance' }, 'secret deleted');
    return reply.code(204).send();
  });

  app.get(
    '/projects/:name/secrets',
    { config: { permission: 'project:manage' }, schema: { summary: "List a project's secrets (names and times, never values)", params: requestSchema(projectParams), response: list } },
    async (request) => {
      const { name } = request.params as z.output<typeof projectParams>;
      const project = await projectOrThrow(store, name);
      return { secrets: (await store.secrets.list({ kind: 'project', projectId: project.id })).map((info) => toView(info, project)) };
    },
  );

  app.put(
    '/projects/:name/secrets/:secret',
    {
      config: { permission: 'project:manage' },
      schema: {
        summary: 'Create or replace a project secret (write-only)',
        params: requestSchema(projectSecretParams),
        body: requestSchema(setBody),
        response: { 200: view, 201: view },
      },
    },
    async (request, reply) => {
      const { name, secret } = request.params as z.output<typeof projectSecretParams>;
      const { value } = request.body as z.output<typeof setBody>;
      const project = await projectOrThrow(store, name);
      const result = await put({ kind: 'project', projectId: project.id }, project, secret, value);
      request.log.info({ name: secret, project: project.name, created: result.created }, 'secret set');
      return reply.code(result.created ? 201 : 200).send(result.view);
    },
  );

  app.delete(
    '/projects/:name/secrets/:secret',
    { config: { permission: 'project:manage' }, schema: { summary: 'Delete a project secret', params: requestSchema(projectSecretParams) } },
    async (request, reply) => {
      const { name, secret } = request.params as z.output<typeof projectSecretParams>;
      const project = await projectOrThrow(store, name);
      await remove({ kind: 'project', projectId: project.id }, project, secret);
      request.log.info({ name: secret, project: project.name }, 'secret deleted');
      return reply.code(204).send();
    },
  );
}
