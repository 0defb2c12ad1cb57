// Project roles and login throttling through the real HTTP app: each test tries something a role
// must not be able to do, and checks the exact answer (403 when the project may be read, else 404).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MemberView, ProjectView } from '../../src/api-client/index.js';
import type { User } from '../../src/store/index.js';
import { bearer, codeOf, startAccountsApp, type AccountsApp } from './helpers/accounts.js';

let t: AccountsApp;
const tokens: Record<string, string> = {};
let users: Record<string, User>;

before(async () => {
  t = await startAccountsApp({ limits: { perUser: 3, perAddress: 6, windowMs: 60_000 } });
  users = {
    viewer: await t.user('vic', { role: 'viewer' }),
    developer: await t.user('dev', { role: 'developer' }),
    maintainer: await t.user('max', { role: 'maintainer' }),
    betaDeveloper: await t.user('bea', { role: 'developer', project: t.beta }),
    admin: await t.user('ada', { admin: true }),
  };
  for (const [key, user] of Object.entries(users)) tokens[key] = await t.token(user);
});
after(() => t.close());

const as = (who: string) => bearer(tokens[who]!);

describe('project roles', () => {
  test('a viewer triggering a run gets 403 AUTH_FORBIDDEN (they may read the project, so it is not hidden)', async () => {
    assert.equal((await t.app.inject({ url: '/api/v1/projects/alpha/runs', headers: as('viewer') })).statusCode, 200);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/projects/alpha/runs', headers: as('viewer'), payload: {} });
    assert.equal(res.statusCode, 403, res.body);
    assert.equal(codeOf(res), 'AUTH_FORBIDDEN');
    assert.match(res.json<{ detail: string }>().detail, /project:trigger.*viewer/);
  });

  test("a developer reading another project's logs gets 404 PROJECT_NOT_FOUND, the same body as for a missing project", async () => {
    const logs = await t.app.inject({ url: '/api/v1/projects/beta/runs/1/jobs/build/logs', headers: as('developer') });
    const missing = await t.app.inject({ url: '/api/v1/projects/no-such-project/runs/1/jobs/build/logs', headers: as('developer') });
    assert.equal(logs.statusCode, 404);
    assert.equal(codeOf(logs), 'PROJECT_NOT_FOUND');
    const strip = (body: string) => ({ ...JSON.parse(body), requestId: undefined, detail: undefined });
    assert.deepEqual(strip(logs.body), strip(missing.body));
    assert.equal(logs.json<{ detail: string }>().detail, 'no project named "beta"');
    // the developer of beta reads the same URL: the project is found, the run is not
    assert.equal(codeOf(await t.app.inject({ url: '/api/v1/projects/beta/runs/1/jobs/build/logs', headers: as('betaDeveloper') })), 'RUN_NOT_FOUND');
  });

  test('a developer may trigger (the request reaches the run creator) but not manage members (403)', async () => {
    const trigger = await t.app.inject({ method: 'POST', url: '/api/v1/projects/alpha/runs', headers: as('developer'), payload: {} });
    assert.ok(!['AUTH_FORBIDDEN', 'AUTH_REQUIRED', 'PROJECT_NOT_FOUND'].includes(codeOf(trigger) ?? ''), trigger.body);
    const res = await t.app.inject({ method: 'PUT', url: '/api/v1/projects/alpha/members/bea', headers: as('developer'), payload: { role: 'maintainer' } });
    assert.equal(res.statusCode, 403);
  });

  test('a maintainer manages members; the new role takes effect on the next request', async () => {
    const put = await t.app.inject({ method: 'PUT', url: '/api/v1/projects/alpha/members/vic', headers: as('maintainer'), payload: { role: 'developer' } });
    assert.equal(put.statusCode, 200, put.body);
    assert.deepEqual(put.json<MemberView>().role, 'developer');
    const members = (await t.app.inject({ url: '/api/v1/projects/alpha/members', headers: as('viewer') })).json<{ members: MemberView[] }>().members;
    assert.deepEqual(members.map((m) => [m.username, m.role]), [['dev', 'developer'], ['max', 'maintainer'], ['vic', 'developer']]);
    const trigger = await t.app.inject({ method: 'POST', url: '/api/v1/projects/alpha/runs', headers: as('viewer'), payload: {} });
    assert.notEqual(codeOf(trigger), 'AUTH_FORBIDDEN');
    assert.equal((await t.app.inject({ method: 'DELETE', url: '/api/v1/projects/alpha/members/vic', headers: as('maintainer') })).statusCode, 204);
    assert.equal(codeOf(await t.app.inject({ url: '/api/v1/projects/alpha/runs', headers: as('viewer') })), 'PROJECT_NOT_FOUND');
    await t.store.members.set(t.alpha.id, users.viewer!.id, 'viewer');
  });

  test('a public project: anonymous callers read it, cannot trigger (401); private projects answer 401 to anonymous callers whether they exist or not', async () => {
    const patch = (value: boolean) => t.app.inject({ method: 'PATCH', url: '/api/v1/projects/beta', headers: as('admin'), payload: { settings: { public: value } } });
    assert.equal((await patch(true)).json<ProjectView>().settings.public, true);
    try {
      assert.equal((await t.app.inject({ url: '/api/v1/projects/beta/runs' })).statusCode, 200);
      const anonymousList = (await t.app.inject({ url: '/api/v1/projects' })).json<{ projects: ProjectView[] }>().projects.map((p) => p.name);
      assert.deepEqual(anonymousList, ['beta'], 'anonymous callers list the public projects only');
      const badToken = await t.app.inject({ url: '/api/v1/projects', headers: { authorization: 'Bearer not-a-token' } });
      assert.equal(codeOf(badToken), 'AUTH_INVALID_TOKEN', 'a credential that is sent must be valid, even where none is needed');
      assert.equal(codeOf(await t.app.inject({ method: 'POST', url: '/api/v1/projects/beta/runs', payload: {} })), 'AUTH_REQUIRED');
      // signed in without a role: read yes, trigger 403
      assert.equal((await t.app.inject({ url: '/api/v1/projects/beta/runs', headers: as('viewer') })).statusCode, 200);
      assert.equal(codeOf(await t.app.inject({ method: 'POST', url: '/api/v1/projects/beta/runs', headers: as('viewer'), payload: {} })), 'AUTH_FORBIDDEN');
      for (const url of ['/api/v1/projects/alpha/runs', '/api/v1/projects/no-such/runs']) {
        const res = await t.app.inject({ url });
        assert.deepEqual([res.statusCode, codeOf(res)], [401, 'AUTH_REQUIRED']);
      }
    } finally {
      assert.equal((await patch(false)).json<ProjectView>().settings.public, false);
    }
  });

  test('the project list holds only the projects the caller may read', async () => {
    const names = async (who: string) => (await t.app.inject({ url: '/api/v1/projects', headers: as(who) })).json<{ projects: ProjectView[] }>().projects.map((p) => p.name);
    assert.deepEqual(await names('developer'), ['alpha']);
    assert.deepEqual(await names('betaDeveloper'), ['beta']);
    assert.deepEqual(await names('admin'), ['alpha', 'beta']);
  });
});

describe('login throttling', () => {
  test('login brute force is throttled: after 3 failures for a username, even the right password gets 429 with Retry-After', async () => {
    await t.user('target');
    for (let i = 0; i < 3; i++) assert.equal(codeOf(await t.login('target', `guess-${i}`)), 'AUTH_LOGIN_FAILED');
    const blocked = await t.login('target');
    assert.equal(blocked.statusCode, 429, blocked.body);
    assert.equal(codeOf(blocked), 'AUTH_RATE_LIMITED');
    assert.equal(blocked.headers['retry-after'], '60');
    t.clock.advance(60_000);
    assert.equal((await t.login('target')).statusCode, 200);
  });

  test('per address: one client trying many usernames is throttled after 6 failures', async () => {
    for (let i = 0; i < 6; i++) assert.equal(codeOf(await t.login(`someone-${i}`, 'wrong-password')), 'AUTH_LOGIN_FAILED');
    const blocked = await t.login('someone-else', 'wrong-password');
    assert.equal(codeOf(blocked), 'AUTH_RATE_LIMITED');
    const fromElsewhere = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '10.9.8.7', payload: { username: 'someone-else', password: 'wrong-password' } });
    assert.equal(codeOf(fromElsewhere), 'AUTH_LOGIN_FAILED');
    t.clock.advance(60_000);
  });
});

test('a refused request carries its request id (header and body) like any other answer', async () => {
  const res = await t.app.inject({ url: '/api/v1/projects/alpha/runs', headers: bearer('gantry_not-a-real-token') });
  assert.equal(res.statusCode, 401);
  assert.ok(res.headers['x-request-id']);
  assert.equal(res.headers['x-request-id'], res.json<{ requestId: string }>().requestId);
});
