// The permission matrix: every route of the real app (createHttpApp with every option) × every role,
// built from the routes' own declarations. A route added with a new permission, or a change to the
// enforcement, shows up here; a route without a permission cannot even start (http-app.test.ts).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Permission } from '../../src/server/index.js';
import { bearer, codeOf, startAccountsApp, type AccountsApp } from './helpers/accounts.js';

type Role = 'anonymous' | 'viewer' | 'developer' | 'maintainer' | 'otherMaintainer' | 'admin';
const ROLES: readonly Role[] = ['anonymous', 'viewer', 'developer', 'maintainer', 'otherMaintainer', 'admin'];
const PERMISSIONS: readonly Permission[] = ['public', 'anyone', 'authenticated', 'admin', 'project:read', 'project:trigger', 'project:manage'];

/** What each role gets for each permission on the private project `alpha`: 'ok' or the denial status. */
const EXPECTED: Record<Permission, Record<Role, 'ok' | 401 | 403 | 404>> = {
  public: { anonymous: 'ok', viewer: 'ok', developer: 'ok', maintainer: 'ok', otherMaintainer: 'ok', admin: 'ok' },
  anyone: { anonymous: 'ok', viewer: 'ok', developer: 'ok', maintainer: 'ok', otherMaintainer: 'ok', admin: 'ok' },
  authenticated: { anonymous: 401, viewer: 'ok', developer: 'ok', maintainer: 'ok', otherMaintainer: 'ok', admin: 'ok' },
  admin: { anonymous: 401, viewer: 403, developer: 403, maintainer: 403, otherMaintainer: 403, admin: 'ok' },
  'project:read': { anonymous: 401, viewer: 'ok', developer: 'ok', maintainer: 'ok', otherMaintainer: 404, admin: 'ok' },
  'project:trigger': { anonymous: 401, viewer: 403, developer: 'ok', maintainer: 'ok', otherMaintainer: 404, admin: 'ok' },
  'project:manage': { anonymous: 401, viewer: 403, developer: 403, maintainer: 'ok', otherMaintainer: 404, admin: 'ok' },
};
const DENIALS = new Set(['AUTH_REQUIRED', 'AUTH_INVALID_TOKEN', 'AUTH_FORBIDDEN', 'PROJECT_NOT_FOUND']);

interface RouteDecl {
  method: string;
  url: string;
  permission: Permission;
}

let t: AccountsApp;
const headers: Partial<Record<Role, Record<string, string>>> = {};

before(async () => {
  t = await startAccountsApp();
  const made = {
    viewer: await t.user('m-viewer', { role: 'viewer' }),
    developer: await t.user('m-developer', { role: 'developer' }),
    maintainer: await t.user('m-maintainer', { role: 'maintainer' }),
    otherMaintainer: await t.user('m-other', { role: 'maintainer', project: t.beta }),
    admin: await t.user('m-admin', { admin: true }),
  };
  for (const [role, user] of Object.entries(made)) headers[role as Role] = bearer(await t.token(user));
});
after(() => t.close());

/**
 * Every route of the app, from fastify's own route tree (printRoutes: one line per path, methods in
 * parentheses, nesting by indentation), with the permission the route declared as the generated
 * OpenAPI document reports it (`x-permission`, read from route.config.permission at registration).
 */
async function routes(): Promise<RouteDecl[]> {
  const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json<{ paths: Record<string, Record<string, { 'x-permission'?: Permission }>> }>();
  const stack: string[] = [];
  const found: RouteDecl[] = [];
  for (const line of t.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:[│ ] {3})*)[└├]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    const url = stack.join('');
    for (const method of match[3]?.split(', ') ?? []) {
      if (method === 'HEAD') continue;
      const permission = doc.paths[url.replace(/:([A-Za-z]+)/g, '{$1}')]?.[method.toLowerCase()]?.['x-permission'];
      found.push({ method, url, permission: permission as Permission });
    }
  }
  return found;
}

/** A concrete URL for a route pattern: the project is always `alpha`; other ids name nothing, so allowed requests change nothing. */
function concrete(url: string): string {
  return url
    .replace(':name', 'alpha')
    .replace(/:number/g, '999999')
    .replace(/:id/g, '999999')
    .replace(/:username/g, 'no-such-user')
    .replace(/:job/g, 'no-such-job')
    .replace(/:secret/g, 'NO_SUCH_SECRET')
    .replace(/:forge/g, 'generic')
    .replace(/:project/g, 'alpha')
    .replace(/:[A-Za-z]+/g, 'x');
}

test('every route × every role: allowed or denied exactly as its declared permission says', async () => {
  const all = await routes();
  assert.ok(all.length >= 30, `expected the whole API, found ${all.length} routes:\n${t.app.printRoutes({ commonPrefix: false })}`);
  for (const r of all) {
    assert.ok(PERMISSIONS.includes(r.permission), `${r.method} ${r.url} declares ${String(r.permission)}`);
    if (r.permission.startsWith('project:')) assert.match(r.url, /\/projects\/:name(\/|$)/, `${r.method} ${r.url}: project permissions need the :name param`);
  }
  // Destructive routes last, and deleting the project last of all (admin is the last role).
  const order = (r: RouteDecl) => (r.method === 'DELETE' ? (r.url === '/api/v1/projects/:name' ? 2 : 1) : 0);
  const failures: string[] = [];
  for (const role of ROLES) {
    for (const r of [...all].sort((a, b) => order(a) - order(b))) {
      if (role !== 'admin' && order(r) === 2) continue;
      const res = await t.app.inject({ method: r.method as 'GET', url: concrete(r.url), headers: headers[role] ?? {} });
      const code = codeOf(res);
      const denied = res.statusCode >= 400 && DENIALS.has(code ?? '') ? res.statusCode : 'ok';
      const expected = EXPECTED[r.permission][role];
      if (denied !== expected) failures.push(`${role.padEnd(16)} ${r.method} ${r.url} (${r.permission}): expected ${expected}, got ${res.statusCode} ${code ?? res.body.slice(0, 80)}`);
    }
  }
  assert.deepEqual(failures, []);
});

test('the matrix itself: every permission has an answer for every role', () => {
  for (const permission of PERMISSIONS) for (const role of ROLES) assert.ok(EXPECTED[permission][role] !== undefined);
});
