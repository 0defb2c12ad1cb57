import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GantryError } from '../../core/index.js';
import type { Project, ProjectRole, Store, TokenScope } from '../../store/index.js';

/**
 * Authentication and authorization, in one place.
 *
 * Every route declares the permission it needs in its config (`config: { permission: 'admin' }`);
 * a route without one fails at start-up, so nothing is public by accident. One `onRequest` hook —
 * before the body is even parsed — turns the Authorization header into a Principal through the
 * authenticators (JWT access tokens, API tokens), checks that the user behind it still exists and
 * is active (on every request: a deleted user's tokens stop working at once), and checks the
 * permission. Project permissions read the project from the route's `:name` param and the caller's
 * membership; docs/auth.md has the table of who may do what.
 */
export type Permission =
  /** Anyone, no credential needed (health, login, webhooks — which check their own signature). */
  | 'public'
  /**
   * Anyone, but a credential that is sent must be valid, and it identifies the caller (the project
   * list: public projects for everyone, a member's own projects too).
   */
  | 'anyone'
  /** Any valid credential (e.g. `GET /me`, own tokens). */
  | 'authenticated'
  /** Instance admin only (users, agents, instance secrets). */
  | 'admin'
  /**
   * Per project, named by the route's `:name` param: read = viewer or better (or anyone when the
   * project is public); trigger = developer (trigger, cancel, retry); manage = maintainer (settings,
   * secrets, approvals). A caller who may not even read the project gets 404, never 403.
   */
  | 'project:read'
  | 'project:trigger'
  | 'project:manage';

export interface Principal {
  /** How the caller proved who they are: a JWT access token or an API token. */
  readonly kind: 'token' | 'jwt';
  /** Stable id of the credential, e.g. `token:3`, `jwt:user:5`. */
  readonly id: string;
  /** The username (a bootstrap admin token: the token's name). Recorded as the actor of what the caller does. */
  readonly name: string;
  /** null for a bootstrap admin token, which has no user. */
  readonly userId: number | null;
  readonly admin: boolean;
  /** `read`: the credential may only read (GET) projects and its own account, whatever its user may do. */
  readonly scope: TokenScope;
}

/**
 * Turns a Bearer credential into a principal, or undefined when it does not recognize it (the next
 * authenticator is asked). Called concurrently for concurrent requests; must not throw for an
 * unknown credential, only for a failure of its own (store unavailable).
 */
export interface Authenticator {
  authenticate(credential: string): Promise<Principal | undefined>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: Permission;
  }
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}

const ROLE_RANK: Record<ProjectRole, number> = { viewer: 1, developer: 2, maintainer: 3 };
const NEEDED_RANK = { 'project:read': 1, 'project:trigger': 2, 'project:manage': 3 } as const;

/** The caller's role in a project (`admin` for instance admins), or undefined for none. */
async function projectRole(store: Store, principal: Principal | undefined, project: Project): Promise<ProjectRole | 'admin' | undefined> {
  if (!principal) return undefined;
  if (principal.admin) return 'admin';
  if (principal.userId === null) return undefined;
  return (await store.members.get(project.id, principal.userId))?.role;
}

/** The projects of `projects` the caller may read (one membership query, for list routes). */
export async function readableProjects(store: Store, principal: Principal | undefined, projects: readonly Project[]): Promise<Project[]> {
  if (principal?.admin) return [...projects];
  const member = new Set(principal && principal.userId !== null ? (await store.members.listByUser(principal.userId)).map((m) => m.projectId) : []);
  return projects.filter((project) => project.settings.public || member.has(project.id));
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new GantryError('AUTH_REQUIRED', 'the Authorization header must be `Bearer <token>`');
  return match[1];
}

async function authenticate(store: Store, authenticators: readonly Authenticator[], credential: string): Promise<Principal> {
  for (const authenticator of authenticators) {
    const principal = await authenticator.authenticate(credential);
    if (!principal) continue;
    if (principal.userId === null) return principal;
    // Rights come from the user as stored now, not as they were when the credential was issued.
    const user = await store.users.getById(principal.userId);
    if (!user?.active) break;
    return { ...principal, name: user.username, admin: user.admin };
  }
  throw new GantryError('AUTH_INVALID_TOKEN', 'the token is not valid (unknown, expired, revoked, or its user was removed)');
}

const required = () => new GantryError('AUTH_REQUIRED', 'this request needs a token (Authorization: Bearer <token>)');
const forbidden = (permission: Permission, why: string) =>
  new GantryError('AUTH_FORBIDDEN', `this request needs the ${permission} permission: ${why}`, { details: { permission } });

/** Throws the error the caller gets for `permission`; returns when allowed. */
async function enforce(store: Store, request: FastifyRequest, principal: Principal | undefined, permission: Exclude<Permission, 'public'>): Promise<void> {
  if (permission === 'anyone') return;
  const readOnly = principal?.scope === 'read';
  const safeMethod = request.method === 'GET' || request.method === 'HEAD';
  if (permission === 'authenticated' || permission === 'admin') {
    if (!principal) throw required();
    if (permission === 'admin' && !principal.admin) throw forbidden(permission, 'only instance admins may do this');
    if (readOnly && (permission === 'admin' || !safeMethod)) throw forbidden(permission, 'the token has the read scope');
    return;
  }
  const name = (request.params as { name?: unknown } | undefined)?.name;
  if (typeof name !== 'string') throw new Error(`route ${request.routeOptions.url} declares ${permission} but has no :name param`);
  const project = await store.projects.getByName(name);
  const role = project && (await projectRole(store, principal, project));
  if (!project || (role === undefined && !project.settings.public)) {
    // Anonymous callers learn nothing either way; signed-in ones get the answer of a missing project.
    if (!principal) throw required();
    throw new GantryError('PROJECT_NOT_FOUND', `no project named "${name}"`);
  }
  if (permission === 'project:read') return;
  if (!principal) throw required();
  if (readOnly) throw forbidden(permission, 'the token has the read scope');
  if (role !== 'admin' && (role === undefined || ROLE_RANK[role] < NEEDED_RANK[permission])) {
    throw forbidden(permission, `your role in ${name} is ${role ?? 'none (public read only)'}`);
  }
}

export function registerAuth(app: FastifyInstance, authenticators: readonly Authenticator[], store: Store): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRoute', (route) => {
    if (route.config?.permission === undefined) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no permission (config.permission, see Permission in src/server/http/auth.ts)`);
    }
  });
  app.addHook('onRequest', async (request) => {
    // No route matched: the not-found handler answers, and it reveals nothing.
    const permission = request.routeOptions.config.permission;
    if (permission === undefined) return;
    if (permission === 'public') return;
    const credential = bearer(request);
    const principal = credential === undefined ? undefined : await authenticate(store, authenticators, credential);
    request.principal = principal;
    await enforce(store, request, principal, permission);
  });
}
