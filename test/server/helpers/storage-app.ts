import type { TestContext } from 'node:test';
import { pino } from 'pino';
import type { Principal } from '../../../src/server/http/auth.js';
import { createHttpApp } from '../../../src/server/http/http-app.js';
import type { leaseFixture } from './lease-fixture.js';

/**
 * The HTTP app over a lease fixture's store and blob files, with three callers of the fixture's
 * project: `vera` (viewer, read token), `nobody` (no role) and `max` (maintainer, write token).
 * `call(who, method, url)` sends a request as one of them.
 */
export async function storageApp(t: TestContext, f: Awaited<ReturnType<typeof leaseFixture>>) {
  const principals = new Map<string, Principal>();
  for (const [name, role] of [['vera', 'viewer'], ['nobody', null], ['max', 'maintainer']] as const) {
    const user = await f.store.users.create({ username: name, passwordHash: 'x', admin: false });
    if (role) await f.store.members.set(f.project.id, user.id, role);
    principals.set(name, { kind: 'token', id: `token:${name}`, name, userId: user.id, admin: false, scope: name === 'max' ? 'write' : 'read' });
  }
  const app = await createHttpApp({
    store: f.store,
    logger: pino({ level: 'silent' }),
    authenticators: [{ authenticate: async (credential) => principals.get(credential) }],
    readiness: [],
    artifacts: f.files,
  });
  t.after(() => app.close());
  const call = (who: 'vera' | 'nobody' | 'max', method: 'GET' | 'DELETE', url: string) => app.inject({ method, url, headers: { authorization: `Bearer ${who}` } });
  return { app, call };
}
