// Personal API tokens, refresh tokens and users through the real HTTP app: each test tries to use a
// credential that must no longer work (revoked, expired, deleted user, reused refresh token).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CreatedTokenView, LoginView, TokenView, UserView } from '../../src/api-client/index.js';
import { bearer, codeOf, loginOf, PASSWORD, startAccountsApp, type AccountsApp } from './helpers/accounts.js';

let t: AccountsApp;
let adminToken: string;

before(async () => {
  t = await startAccountsApp();
  adminToken = await t.token(await t.user('root', { admin: true }));
});
after(() => t.close());

const me = (token: string) => t.app.inject({ url: '/api/v1/me', headers: bearer(token) });

async function createToken(credential: string, body: Record<string, unknown>): Promise<CreatedTokenView> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: bearer(credential), payload: body });
  assert.equal(res.statusCode, 201, res.body);
  return res.json<CreatedTokenView>();
}

describe('personal API tokens', () => {
  test('created once (shown only in that answer), listed without the secret, works as its owner', async () => {
    await t.user('carol', { role: 'developer' });
    const { accessToken } = loginOf(await t.login('carol'));
    const created = await createToken(accessToken, { name: 'laptop', expiresIn: '30d' });
    assert.match(created.token, /^gantry_/);
    assert.equal(created.owner, 'carol');
    assert.equal(Date.parse(created.expiresAt!) - t.clock.now(), 30 * 86_400_000);
    const list = await t.app.inject({ url: '/api/v1/tokens', headers: bearer(created.token) });
    const tokens = list.json<{ tokens: TokenView[] }>().tokens;
    assert.deepEqual(tokens.map((x) => [x.name, x.scope]), [['laptop', 'write']]);
    assert.ok(!list.body.includes(created.token));
    assert.equal((await me(created.token)).json<{ username: string }>().username, 'carol');
  });

  test('a revoked token stops working at once', async () => {
    const dave = await t.user('dave');
    const token = await t.token(dave);
    assert.equal((await me(token)).statusCode, 200);
    const id = (await t.app.inject({ url: '/api/v1/tokens', headers: bearer(token) })).json<{ tokens: TokenView[] }>().tokens[0]!.id;
    assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: bearer(token) })).statusCode, 204);
    const res = await me(token);
    assert.equal(res.statusCode, 401);
    assert.equal(codeOf(res), 'AUTH_INVALID_TOKEN');
  });

  test("someone else's token cannot be revoked or seen (404), an admin can do both", async () => {
    const erin = await t.user('erin');
    const frank = await t.user('frank');
    const erinToken = await t.token(erin);
    const frankToken = await t.token(frank);
    const frankId = (await t.app.inject({ url: '/api/v1/tokens', headers: bearer(frankToken) })).json<{ tokens: TokenView[] }>().tokens[0]!.id;
    const res = await t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${frankId}`, headers: bearer(erinToken) });
    assert.equal(res.statusCode, 404);
    assert.equal(codeOf(res), 'TOKEN_NOT_FOUND');
    assert.equal((await me(frankToken)).statusCode, 200);
    assert.equal(codeOf(await t.app.inject({ url: '/api/v1/tokens?all=true', headers: bearer(erinToken) })), 'AUTH_FORBIDDEN');
    const all = (await t.app.inject({ url: '/api/v1/tokens?all=true', headers: bearer(adminToken) })).json<{ tokens: TokenView[] }>().tokens;
    assert.ok(all.some((x) => x.id === frankId && x.owner === 'frank'));
    assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${frankId}`, headers: bearer(adminToken) })).statusCode, 204);
    assert.equal((await me(frankToken)).statusCode, 401);
  });

  test('an expired personal token is refused', async () => {
    const gina = await t.user('gina');
    const token = await t.token(gina, { expiresAt: t.clock.now() + 60_000 });
    assert.equal((await me(token)).statusCode, 200);
    t.clock.advance(60_000);
    const res = await me(token);
    assert.equal(res.statusCode, 401);
    assert.equal(codeOf(res), 'AUTH_INVALID_TOKEN');
  });

  test('a read-scoped token may read but not trigger, create tokens or act as admin', async () => {
    const hank = await t.user('hank', { role: 'maintainer', admin: true });
    const read = await t.token(hank, { scope: 'read' });
    assert.equal((await t.app.inject({ url: '/api/v1/projects/alpha/runs', headers: bearer(read) })).statusCode, 200);
    for (const [method, url] of [['POST', '/api/v1/projects/alpha/runs'], ['POST', '/api/v1/tokens'], ['GET', '/api/v1/users']] as const) {
      const res = await t.app.inject({ method, url, headers: bearer(read), payload: method === 'POST' ? {} : undefined });
      assert.equal(res.statusCode, 403, `${method} ${url}: ${res.body}`);
      assert.equal(codeOf(res), 'AUTH_FORBIDDEN');
    }
  });

  test('a bad expiresIn is a 400 naming the field', async () => {
    const ivan = await t.user('ivan');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: bearer(await t.token(ivan)), payload: { name: 'x', expiresIn: 'forever' } });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /expiresIn/);
  });
});

describe('deleted and deactivated users', () => {
  test("a deleted user's API token and JWT stop working at once", async () => {
    await t.user('jane', { role: 'maintainer' });
    const jwt = loginOf(await t.login('jane')).accessToken;
    const token = (await createToken(jwt, { name: 'ci' })).token;
    assert.equal((await me(jwt)).statusCode, 200);
    assert.equal((await me(token)).statusCode, 200);
    assert.equal((await t.app.inject({ method: 'DELETE', url: '/api/v1/users/jane', headers: bearer(adminToken) })).statusCode, 204);
    for (const credential of [jwt, token]) {
      const res = await me(credential);
      assert.equal(res.statusCode, 401);
      assert.equal(codeOf(res), 'AUTH_INVALID_TOKEN');
    }
  });

  test('a deactivated user can neither log in nor use a token; reactivated, both work again', async () => {
    const kim = await t.user('kim');
    const token = await t.token(kim);
    const patch = (active: boolean) => t.app.inject({ method: 'PATCH', url: '/api/v1/users/kim', headers: bearer(adminToken), payload: { active } });
    assert.equal((await patch(false)).json<UserView>().active, false);
    assert.equal((await me(token)).statusCode, 401);
    assert.equal(codeOf(await t.login('kim')), 'AUTH_LOGIN_FAILED');
    await patch(true);
    assert.equal((await me(token)).statusCode, 200);
    assert.equal((await t.login('kim')).statusCode, 200);
  });

  test('the last active admin cannot be deleted, demoted or deactivated', async () => {
    // hank (an earlier test) is the other admin: demoting him is fine, root is then the last one.
    assert.equal((await t.app.inject({ method: 'PATCH', url: '/api/v1/users/hank', headers: bearer(adminToken), payload: { admin: false } })).statusCode, 200);
    const res = await t.app.inject({ method: 'DELETE', url: '/api/v1/users/root', headers: bearer(adminToken) });
    assert.equal(res.statusCode, 409);
    assert.equal(codeOf(res), 'USER_LAST_ADMIN');
    assert.equal(codeOf(await t.app.inject({ method: 'PATCH', url: '/api/v1/users/root', headers: bearer(adminToken), payload: { admin: false } })), 'USER_LAST_ADMIN');
    assert.equal(codeOf(await t.app.inject({ method: 'PATCH', url: '/api/v1/users/root', headers: bearer(adminToken), payload: { active: false } })), 'USER_LAST_ADMIN');
    assert.equal((await me(adminToken)).json<{ admin: boolean }>().admin, true);
  });
});

describe('login and refresh tokens', () => {
  const refresh = (refreshToken: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken } });

  test('wrong password and unknown user get the same answer', async () => {
    await t.user('lee');
    const wrong = await t.login('lee', 'not the password');
    const unknown = await t.login('nobody-at-all', PASSWORD);
    assert.deepEqual([wrong.statusCode, codeOf(wrong)], [401, 'AUTH_LOGIN_FAILED']);
    assert.deepEqual([unknown.statusCode, codeOf(unknown)], [401, 'AUTH_LOGIN_FAILED']);
    assert.equal(wrong.json<{ detail: string }>().detail, unknown.json<{ detail: string }>().detail);
  });

  test('a refresh token rotates: it works once and returns a new pair', async () => {
    await t.user('mia');
    const first = loginOf(await t.login('mia'));
    const second = await refresh(first.refreshToken);
    assert.equal(second.statusCode, 200, second.body);
    const next = second.json<LoginView>();
    assert.notEqual(next.refreshToken, first.refreshToken);
    assert.equal((await me(next.accessToken)).statusCode, 200);
  });

  test('refresh token reuse: a second use is refused and revokes the whole login (the newer token too)', async () => {
    await t.user('ned');
    const first = loginOf(await t.login('ned'));
    const next = (await refresh(first.refreshToken)).json<LoginView>();
    const replay = await refresh(first.refreshToken);
    assert.deepEqual([replay.statusCode, codeOf(replay)], [401, 'AUTH_INVALID_REFRESH_TOKEN']);
    const afterReuse = await refresh(next.refreshToken);
    assert.deepEqual([afterReuse.statusCode, codeOf(afterReuse)], [401, 'AUTH_INVALID_REFRESH_TOKEN']);
    // another login of the same user is not affected
    const other = loginOf(await t.login('ned'));
    assert.equal((await refresh(other.refreshToken)).statusCode, 200);
  });

  test('logout revokes the refresh token; an expired refresh token is refused', async () => {
    await t.user('ola');
    const login = loginOf(await t.login('ola'));
    assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', payload: { refreshToken: login.refreshToken } })).statusCode, 204);
    assert.equal(codeOf(await refresh(login.refreshToken)), 'AUTH_INVALID_REFRESH_TOKEN');
    const later = loginOf(await t.login('ola'));
    t.clock.advance(86_400_000);
    assert.equal(codeOf(await refresh(later.refreshToken)), 'AUTH_INVALID_REFRESH_TOKEN');
  });
});
