import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GantryError } from '../../../core/index.js';
import type { Store, User, UserPatch } from '../../../store/index.js';
import type { MeView } from '../../../api-client/index.js';
import { createUserBody, meView, patchUserBody, toUserView, userList, usernameParams, userView } from '../../auth/account-schemas.js';
import { checkPasswordStrength, hashPassword, verifyPassword } from '../../auth/passwords.js';
import type { LoginLimiter } from '../../auth/login-limiter.js';
import type { Principal } from '../auth.js';
import { requestSchema, responseSchema } from '../zod-schemas.js';

const ownPasswordBody = z.object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(1).max(1024) }).strict();

/**
 * Users (instance admins only), `GET /me` and `PUT /me/password` (anyone signed in). Deleting a user deletes their API
 * tokens, refresh tokens and memberships in the same statement; their JWTs stop working on the next
 * request because the auth hook looks the user up every time. The last active admin cannot be
 * demoted, deactivated or deleted.
 */
export async function userOrThrow(store: Store, username: string): Promise<User> {
  const user = await store.users.getByUsername(username);
  if (!user) throw new GantryError('USER_NOT_FOUND', `no user named "${username}"`);
  return user;
}

async function keepAnAdmin(store: Store, user: User, after: { admin: boolean; active: boolean } | undefined): Promise<void> {
  if (!user.admin || !user.active || (after?.admin && after.active)) return;
  const others = (await store.users.list()).filter((u) => u.admin && u.active && u.id !== user.id);
  if (others.length === 0) throw new GantryError('USER_LAST_ADMIN', `${user.username} is the last active admin; make another user admin first`);
}

async function me(store: Store, principal: Principal): Promise<MeView> {
  const credential = { kind: principal.kind, scope: principal.scope };
  if (principal.userId === null) return { username: principal.name, displayName: null, admin: true, user: false, credential, projects: [] };
  const user = await store.users.getById(principal.userId);
  const memberships = await store.members.listByUser(principal.userId);
  const projects: MeView['projects'] = [];
  for (const m of memberships) {
    const project = await store.projects.getById(m.projectId);
    if (project) projects.push({ project: project.name, role: m.role });
  }
  projects.sort((a, b) => a.project.localeCompare(b.project));
  return { username: principal.name, displayName: user?.displayName ?? null, admin: principal.admin, user: true, credential, projects };
}

/** `limiter`: the login limiter, so guessing the current password here is throttled like logging in. */
export function userRoutes(app: FastifyInstance, store: Store, limiter?: LoginLimiter): void {
  const admin = { permission: 'admin' as const };
  const view = responseSchema(userView);
  const params = requestSchema(usernameParams);

  app.get('/me', { config: { permission: 'authenticated' }, schema: { summary: 'Who the credential belongs to, with project roles', response: { 200: responseSchema(meView) } } }, async (request) => me(store, request.principal!));

  // The current password is asked again: a borrowed session (an unlocked screen) must not be enough
  // to lock the owner out. A wrong one is a 400, not a 401: the caller's credential itself is fine.
  app.put(
    '/me/password',
    { config: { permission: 'authenticated' }, schema: { summary: "Change the caller's own password (needs the current one)", body: requestSchema(ownPasswordBody), response: { 204: { type: 'null' } } } },
    async (request, reply) => {
      const principal = request.principal!;
      const body = request.body as z.output<typeof ownPasswordBody>;
      if (principal.userId === null) throw new GantryError('AUTH_FORBIDDEN', 'a bootstrap admin token has no user and no password');
      const user = await store.users.getById(principal.userId);
      if (!user) throw new GantryError('USER_NOT_FOUND', `no user named "${principal.name}"`);
      limiter?.check(user.username, request.ip);
      if (!(await verifyPassword(body.currentPassword, user.passwordHash))) {
        limiter?.failed(user.username, request.ip);
        throw new GantryError('API_INVALID_REQUEST', 'currentPassword: this is not your current password', { details: { problems: [{ field: 'currentPassword', message: 'not your current password' }] } });
      }
      limiter?.succeeded(user.username);
      checkPasswordStrength(body.newPassword);
      await store.users.update(user.id, { passwordHash: await hashPassword(body.newPassword) });
      request.log.info({ username: user.username }, 'own password changed');
      return reply.code(204).send();
    },
  );

  app.get('/users', { config: admin, schema: { summary: 'List users', response: { 200: responseSchema(userList) } } }, async () => ({
    users: (await store.users.list()).map(toUserView),
  }));

  app.post('/users', { config: admin, schema: { summary: 'Create a user', body: requestSchema(createUserBody), response: { 201: view } } }, async (request, reply) => {
    const body = request.body as z.output<typeof createUserBody>;
    checkPasswordStrength(body.password);
    try {
      const user = await store.users.create({
        username: body.username,
        displayName: body.displayName ?? null,
        passwordHash: await hashPassword(body.password),
        admin: body.admin === true,
      });
      request.log.info({ username: user.username, admin: user.admin, by: request.principal?.name }, 'user created');
      return reply.code(201).header('location', `/api/v1/users/${user.username}`).send(toUserView(user));
    } catch (err) {
      if (err instanceof GantryError && err.code === 'STORE_CONFLICT') throw new GantryError('USER_EXISTS', `a user named "${body.username}" already exists`, { cause: err });
      throw err;
    }
  });

  app.patch('/users/:username', { config: admin, schema: { summary: "Change a user's password, name, admin or active flag", params, body: requestSchema(patchUserBody), response: { 200: view } } }, async (request) => {
    const { username } = request.params as z.output<typeof usernameParams>;
    const body = request.body as z.output<typeof patchUserBody>;
    const user = await userOrThrow(store, username);
    await keepAnAdmin(store, user, { admin: body.admin ?? user.admin, active: body.active ?? user.active });
    const patch: UserPatch = {};
    if (body.password !== undefined) {
      checkPasswordStrength(body.password);
      patch.passwordHash = await hashPassword(body.password);
    }
    if (body.displayName !== undefined) patch.displayName = body.displayName;
    if (body.admin !== undefined) patch.admin = body.admin;
    if (body.active !== undefined) patch.active = body.active;
    const updated = await store.users.update(user.id, patch);
    request.log.info({ username, admin: updated.admin, active: updated.active, password: body.password !== undefined, by: request.principal?.name }, 'user changed');
    return toUserView(updated);
  });

  app.delete('/users/:username', { config: admin, schema: { summary: 'Delete a user with their tokens and memberships', params, response: { 204: { type: 'null' } } } }, async (request, reply) => {
    const { username } = request.params as z.output<typeof usernameParams>;
    const user = await userOrThrow(store, username);
    await keepAnAdmin(store, user, undefined);
    await store.users.delete(user.id);
    request.log.info({ username, by: request.principal?.name }, 'user deleted');
    return reply.code(204).send();
  });
}
