import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GantryError } from '../../core/index.js';

/**
 * Authentication and authorization, in one place.
 *
 * Every route declares the permission it needs in its config (`config: { permission: 'admin' }`);
 * a route without one fails at start-up, so nothing is public by accident. One `onRequest` hook —
 * before the body is even parsed — turns the Authorization header into a Principal through the
 * authenticators (API tokens today; JWT can be another authenticator) and checks the permission with
 * `authorize`. Adding users and roles later means new permissions and a richer `authorize`, not
 * touching routes.
 */
export type Permission = 'public' | 'admin';

export type Role = 'admin';

export interface Principal {
  /** How the caller proved who they are. */
  readonly kind: 'token';
  /** Stable id, e.g. `token:3`. */
  readonly id: string;
  readonly name: string;
  readonly roles: readonly Role[];
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

export function authorize(principal: Principal | undefined, permission: Permission): boolean {
  if (permission === 'public') return true;
  return principal?.roles.includes('admin') === true;
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new GantryError('AUTH_REQUIRED', 'the Authorization header must be `Bearer <token>`');
  return match[1];
}

async function authenticate(authenticators: readonly Authenticator[], credential: string): Promise<Principal | undefined> {
  for (const authenticator of authenticators) {
    const principal = await authenticator.authenticate(credential);
    if (principal) return principal;
  }
  return undefined;
}

export function registerAuth(app: FastifyInstance, authenticators: readonly Authenticator[]): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRoute', (route) => {
    if (route.config?.permission === undefined) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no permission (config.permission: 'public' | 'admin')`);
    }
  });
  app.addHook('onRequest', async (request) => {
    // No route matched: the not-found handler answers, and it reveals nothing.
    const permission = request.routeOptions.config.permission;
    if (permission === undefined || permission === 'public') return;
    const credential = bearer(request);
    if (credential === undefined) throw new GantryError('AUTH_REQUIRED', 'this request needs an API token (Authorization: Bearer <token>)');
    const principal = await authenticate(authenticators, credential);
    if (!principal) throw new GantryError('AUTH_INVALID_TOKEN', 'the API token is not valid');
    request.principal = principal;
    if (!authorize(principal, permission)) {
      throw new GantryError('AUTH_FORBIDDEN', `this request needs the ${permission} permission`);
    }
  });
}
