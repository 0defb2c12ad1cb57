// The latest-run-per-branch routes and the own-password route, on the real HTTP app with accounts
// (real SQLite): what each caller sees, and what bad input gets.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunView } from '../../../api-client/index.js';
import type { User } from '../../../store/index.js';
import { bearer, codeOf, PASSWORD, startAccountsApp, type AccountsApp } from '../../../../test/server/helpers/accounts.js';

let t: AccountsApp;
let viewer: User;
let viewerToken = '';
let adminToken = '';

const push = (projectId: number, ref: { branch?: string; tag?: string }) =>
  t.store.runs.create({ projectId, event: { name: ref.tag ? 'tag' : 'push', sha: 'a'.repeat(40), ...ref }, trigger: { kind: ref.tag ? 'tag' : 'push' } });

before(async () => {
  t = await startAccountsApp();
  viewer = await t.user('b-viewer', { role: 'viewer' });
  viewerToken = await t.token(viewer);
  adminToken = await t.token(await t.user('b-admin', { admin: true }));
  // alpha: main twice, a feature branch, a tag named like the branch; beta: one run.
  await push(t.alpha.id, { branch: 'main' });
  await push(t.alpha.id, { branch: 'feature/x' });
  await push(t.alpha.id, { branch: 'main' });
  await push(t.alpha.id, { tag: 'main' });
  await push(t.beta.id, { branch: 'main' });
});
after(() => t.close());

const refs = (runs: RunView[]) => runs.map((r) => `${r.tag ? `tag ${r.tag}` : r.branch} #${r.number}`);

test('GET /projects/{name}/branches: the newest run of each branch or tag, newest first; limit cuts the list', async () => {
  const res = await t.app.inject({ url: '/api/v1/projects/alpha/branches', headers: bearer(viewerToken) });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(refs(res.json<{ runs: RunView[] }>().runs), ['tag main #4', 'main #3', 'feature/x #2']);
  const one = await t.app.inject({ url: '/api/v1/projects/alpha/branches?limit=1', headers: bearer(viewerToken) });
  assert.deepEqual(refs(one.json<{ runs: RunView[] }>().runs), ['tag main #4']);
});

test('GET /projects/{name}/branches with a bad limit (0, 101, "x") is refused with API_INVALID_REQUEST', async () => {
  for (const limit of ['0', '101', 'x']) {
    const res = await t.app.inject({ url: `/api/v1/projects/alpha/branches?limit=${limit}`, headers: bearer(viewerToken) });
    assert.equal(res.statusCode, 400, limit);
    assert.equal(codeOf(res), 'API_INVALID_REQUEST');
  }
});

test('GET /branches: every project the caller may read, in one answer; a member of alpha does not see beta', async () => {
  const mine = (await t.app.inject({ url: '/api/v1/branches', headers: bearer(viewerToken) })).json<{ projects: { project: string; runs: RunView[] }[] }>();
  assert.deepEqual(mine.projects.map((p) => p.project), ['alpha']);
  assert.deepEqual(refs(mine.projects[0]!.runs), ['tag main #4', 'main #3', 'feature/x #2']);
  const all = (await t.app.inject({ url: '/api/v1/branches', headers: bearer(adminToken) })).json<{ projects: { project: string; runs: RunView[] }[] }>();
  assert.deepEqual(all.projects.map((p) => `${p.project}: ${refs(p.runs).join(', ')}`).sort(), ['alpha: tag main #4, main #3, feature/x #2', 'beta: main #1']);
  const anonymous = (await t.app.inject({ url: '/api/v1/branches' })).json<{ projects: unknown[] }>();
  assert.deepEqual(anonymous.projects, [], 'private projects are hidden from anonymous callers');
});

test('PUT /me/password: a wrong current password (400) or a weak new one is refused; the right one changes it', async () => {
  const user = await t.user('b-changer');
  const token = await t.token(user);
  const change = (payload: object) => t.app.inject({ method: 'PUT', url: '/api/v1/me/password', headers: bearer(token), payload });
  const wrong = await change({ currentPassword: 'not-it', newPassword: 'brand new password' });
  assert.equal(wrong.statusCode, 400);
  assert.equal(codeOf(wrong), 'API_INVALID_REQUEST');
  assert.doesNotMatch(wrong.body, /not-it|brand new/, 'the answer echoes no password');
  const weak = await change({ currentPassword: PASSWORD, newPassword: 'short' });
  assert.equal(codeOf(weak), 'AUTH_WEAK_PASSWORD');
  assert.equal((await change({ currentPassword: PASSWORD, newPassword: 'brand new password' })).statusCode, 204);
  assert.equal((await t.login('b-changer')).statusCode, 401, 'the old password no longer works');
  assert.equal((await t.login('b-changer', 'brand new password')).statusCode, 200);
});

test('PUT /me/password: refused without a credential (401) and with a read-scoped token (403)', async () => {
  const body = { currentPassword: PASSWORD, newPassword: 'another password 1' };
  assert.equal((await t.app.inject({ method: 'PUT', url: '/api/v1/me/password', payload: body })).statusCode, 401);
  const readOnly = await t.token(viewer, { scope: 'read' });
  const res = await t.app.inject({ method: 'PUT', url: '/api/v1/me/password', headers: bearer(readOnly), payload: body });
  assert.equal(res.statusCode, 403);
  assert.equal((await t.login('b-viewer')).statusCode, 200, 'the password is unchanged');
});

test('PUT /me/password: guessing the current password is throttled like logging in (a stolen session cannot brute-force it)', async () => {
  await t.user('b-guesser');
  const token = await t.token((await t.store.users.getByUsername('b-guesser'))!);
  const change = (currentPassword: string) =>
    t.app.inject({ method: 'PUT', url: '/api/v1/me/password', headers: bearer(token), payload: { currentPassword, newPassword: 'a fresh password 9' } });
  for (let guess = 0; guess < 5; guess++) assert.equal((await change(`guess-${guess}`)).statusCode, 400);
  const blocked = await change(PASSWORD);
  assert.equal(codeOf(blocked), 'AUTH_RATE_LIMITED', 'after 5 wrong guesses even the right password waits');
  assert.equal((await t.login('b-guesser')).statusCode, 429, 'the same per-user window as login');
});
