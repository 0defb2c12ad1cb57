// The web UI's account and administration pages, and the live runs list, as a user meets them:
// Debian's chromium (playwright-core) against a real `gantry server` process serving the built UI,
// real git repositories and real jobs run by the embedded agent. One server and one browser for the
// file; the tests run in order.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import type { Browser, Page, Request } from 'playwright-core';
import { createApiClient, type ApiClient } from '../../src/api-client/index.js';
import { createTestOrigin, type TestOrigin } from '../../src/server/repos/test-origin.js';
import { startServerProcess } from '../helpers/server-process.js';
import { ensureWebBuilt, launchChromium, logIn, screenshotDir } from './helpers/browser.js';

const PASSWORD = 'web-admin-test-password';
const PIPELINE = `version: 1
on:
  api: {}
jobs:
  quick:
    steps:
      - run: echo hello
`;

// build leaves an artifact (a directory with a marker file) that the page lists and downloads.
const ARTIFACT_PIPELINE = `version: 1
on:
  api: {}
jobs:
  build:
    steps:
      - run: mkdir -p out && echo built-for-the-web-test > out/app.txt
    artifacts: { name: app, paths: [out/] }
  after:
    needs: [build]
    steps:
      - run: sleep 1
`;

const dataDir = mkdtempSync(join(tmpdir(), 'gantry-web-admin-'));
const shots = screenshotDir();
let server: ChildProcess;
let url = '';
let adminToken = '';
let api: ApiClient;
let browser: Browser;
let page: Page;
const origins: TestOrigin[] = [];
/** API requests the page made (method and path), for "one request, not one per project" and "no polling". */
const requests: string[] = [];

const loginAs = (username: string, password: string) =>
  fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });

before(async () => {
  ensureWebBuilt();
  const running = await startServerProcess(dataDir, { env: { GANTRY_ADMIN_PASSWORD: PASSWORD } });
  server = running.child;
  url = running.url;
  adminToken = running.token;
  api = createApiClient({ baseUrl: url, token: running.token });
  for (const name of ['alpha', 'beta', 'gamma', 'delta']) {
    const origin = createTestOrigin();
    origin.commit({ '.gantry.yml': name === 'delta' ? ARTIFACT_PIPELINE : PIPELINE }, { message: `${name} pipeline` });
    origins.push(origin);
    await api.projects.create({ name, repoUrl: origin.bare });
  }
  await api.users.create({ username: 'lin', password: 'lin-password-1' });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(20_000);
  page.on('request', (request: Request) => {
    const u = new URL(request.url());
    if (u.pathname.startsWith('/api/v1/')) requests.push(`${request.method()} ${u.pathname}${u.search}`);
  });
  console.log(`screenshots: ${shots}`);
  await logIn(page, url, 'admin', PASSWORD);
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) server.kill('SIGKILL');
  for (const origin of origins) origin.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

test('the runs list is pushed by the server: a new run and its status changes appear without a reload and without polling', async () => {
  requests.length = 0;
  await page.goto(`${url}/projects/alpha`);
  await page.getByText('No runs yet.').waitFor();
  const run = await api.runs.trigger('alpha', {});
  const row = page.locator(`tr[data-run="${run.number}"]`);
  await row.waitFor();
  page.on('console', (m) => console.log('PAGE', m.text()));
  await row.locator('.status[data-status="success"]').waitFor();
  // One stream, no list requests: the page did not poll (it asked only who is signed in, for the header).
  assert.deepEqual(requests.filter((r) => !r.includes('/stream') && r !== 'GET /api/v1/me'), []);
  assert.ok(requests.some((r) => r.startsWith('GET /api/v1/projects/alpha/stream?limit=50')), requests.join('\n'));
});

test('a dropped runs stream reconnects by itself (with backoff) and the list catches up', async () => {
  // The first two connections fail as a network error would; the third goes through.
  let refused = 0;
  await page.route('**/api/v1/projects/beta/stream*', (route) => (refused++ < 2 ? route.abort('connectionreset') : route.continue()));
  await page.goto(`${url}/projects/beta`);
  await page.getByRole('alert').filter({ hasText: /./ }).waitFor();
  const run = await api.runs.trigger('beta', {});
  await page.locator(`tr[data-run="${run.number}"]`).waitFor({ timeout: 15_000 });
  assert.equal(refused, 3);
  // News arrived: the error is gone.
  assert.equal(await page.locator('main [role="alert"]').filter({ hasText: /./ }).count(), 0);
  await page.unroute('**/api/v1/projects/beta/stream*');
});

test('the projects page is one live stream for every project: a new run and its status changes appear without a reload or polling', async () => {
  await api.runs.trigger('gamma', {});
  requests.length = 0;
  await page.goto(`${url}/`);
  for (const name of ['alpha', 'beta']) await page.locator('.card', { hasText: name }).locator('.status').first().waitFor();
  await page.locator('.card', { hasText: 'gamma' }).locator('tr', { hasText: 'main' }).waitFor();
  await page.screenshot({ path: join(shots, 'projects-branches.png') });
  // A run of a project that had none: its card gets a row, which then turns to success, while the page stays as it is.
  const card = page.locator('.card', { hasText: 'delta' });
  await card.getByText('no runs yet').waitFor();
  const run = await api.runs.trigger('delta', {});
  await card.locator(`a[href="/projects/delta/runs/${run.number}"]`).waitFor();
  await card.locator(`a[href="/projects/delta/runs/${run.number}"] .status[data-status="success"]`).waitFor();
  // One stream, asked once (and who is signed in, for the header): not once per project, no polling.
  assert.deepEqual(requests.filter((r) => r !== 'GET /api/v1/me'), ['GET /api/v1/branches/stream?limit=6']);
});

test('members: add a user with a role, change the role, remove them; the API agrees at each step', async () => {
  await page.goto(`${url}/projects/alpha`);
  await page.getByRole('navigation', { name: 'alpha pages' }).getByRole('link', { name: 'Members' }).click();
  await page.waitForURL(`${url}/projects/alpha/members`);
  await page.getByText(/^No members/).waitFor();
  const add = page.getByRole('form', { name: 'Add a member' });
  await add.getByLabel('Username').fill('lin');
  await add.getByLabel('Role').selectOption('developer');
  await add.getByRole('button', { name: 'Add member' }).click();
  await page.locator('tr[data-member="lin"]').waitFor();
  assert.deepEqual((await api.members.list('alpha')).map((m) => `${m.username} ${m.role}`), ['lin developer']);
  await page.getByLabel('Role of lin').selectOption('maintainer');
  await page.getByRole('button', { name: 'Set role of lin' }).click();
  await page.getByRole('status').getByText('lin is now maintainer').waitFor();
  assert.deepEqual((await api.members.list('alpha')).map((m) => `${m.username} ${m.role}`), ['lin maintainer']);
  await page.screenshot({ path: join(shots, 'members.png') });
  // A name that is no user: the server's answer is shown.
  await add.getByLabel('Username').fill('nobody');
  await add.getByRole('button', { name: 'Add member' }).click();
  await page.getByRole('status').getByText(/no user named "nobody"/).waitFor();
  await page.getByRole('button', { name: 'Remove lin' }).click();
  await page.locator('tr[data-member="lin"]').waitFor({ state: 'detached' });
  assert.deepEqual(await api.members.list('alpha'), []);
});

test('instance secrets (admin): set one (the value never shows), then delete it', async () => {
  await page.getByRole('banner').getByRole('link', { name: 'Secrets' }).click();
  await page.waitForURL(`${url}/secrets`);
  await page.getByText('No secrets.').waitFor();
  await page.getByLabel('Name').fill('REGISTRY_TOKEN');
  await page.getByLabel('Value').fill('instance-s3cret-42');
  await page.getByRole('button', { name: 'Set secret' }).click();
  await page.locator('li[data-secret="REGISTRY_TOKEN"]').waitFor();
  assert.doesNotMatch(await page.content(), /instance-s3cret-42/);
  await page.screenshot({ path: join(shots, 'instance-secrets.png') });
  assert.deepEqual((await api.secrets.list()).map((x) => `${x.scope} ${x.name}`), ['instance REGISTRY_TOKEN']);
  await page.getByRole('button', { name: 'Delete REGISTRY_TOKEN' }).click();
  await page.getByText('No secrets.').waitFor();
  assert.deepEqual(await api.secrets.list(), []);
});

test('users (admin): make a user admin and back; set their password, which then works for login', async () => {
  await page.getByRole('banner').getByRole('link', { name: 'Users' }).click();
  await page.waitForURL(`${url}/users`);
  const row = page.locator('tr[data-user="lin"]');
  await row.getByRole('button', { name: 'Make admin lin' }).click();
  await row.getByText('admin', { exact: true }).waitFor();
  assert.equal((await api.users.list()).find((u) => u.username === 'lin')?.admin, true);
  await row.getByRole('button', { name: 'Remove admin lin' }).click();
  await row.getByText('user', { exact: true }).waitFor();
  const form = page.getByRole('form', { name: "Set a user's password" });
  await form.getByLabel('User').selectOption('lin');
  await form.getByLabel('New password').fill('short');
  // Past the form's own minlength check, to see the server's answer.
  await page.evaluate(`document.querySelector('form[aria-label="Set a user\\'s password"] input[name=password]').removeAttribute('minlength')`);
  await form.getByRole('button', { name: 'Set password' }).click();
  // Too short for the server's rule: refused with its reason, the old password still works.
  await page.getByRole('status').getByText(/at least/i).waitFor();
  assert.equal((await loginAs('lin', 'lin-password-1')).status, 200);
  await form.getByLabel('New password').fill('lin-password-2');
  await form.getByRole('button', { name: 'Set password' }).click();
  await page.getByRole('status').getByText('password of lin set').waitFor();
  assert.equal((await loginAs('lin', 'lin-password-1')).status, 401);
  assert.equal((await loginAs('lin', 'lin-password-2')).status, 200);
});

test('account: a user changes their own password; a wrong current one is refused and keeps them logged in', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const own = await context.newPage();
  try {
    await logIn(own, url, 'lin', 'lin-password-2');
    await own.getByRole('link', { name: 'lin account' }).click();
    // Not an admin: no links to the admin pages.
    assert.equal(await own.getByRole('banner').getByRole('link', { name: /^(Agents|Users|Secrets)$/ }).count(), 0);
    await own.waitForURL(`${url}/account`);
    await own.getByLabel('Current password').fill('not-my-password');
    await own.getByLabel('New password', { exact: true }).fill('lin-password-3');
    await own.getByLabel('Repeat the new password').fill('lin-password-3');
    await own.getByRole('button', { name: 'Change password' }).click();
    await own.getByRole('status').getByText(/not your current password/).waitFor();
    assert.equal(own.url(), `${url}/account`, 'still logged in, still on the page');
    await own.getByLabel('Current password').fill('lin-password-2');
    await own.getByRole('button', { name: 'Change password' }).click();
    await own.getByRole('status').getByText('password changed').waitFor();
    await own.screenshot({ path: join(shots, 'account.png') });
    assert.equal((await loginAs('lin', 'lin-password-2')).status, 401);
    assert.equal((await loginAs('lin', 'lin-password-3')).status, 200);
  } finally {
    await context.close();
  }
});

test("artifacts on the run page: listed once their job ends (no reload), and downloaded as the job's tar.gz", async () => {
  const run = await api.runs.trigger('delta', {});
  await page.goto(`${url}/projects/delta/runs/${run.number}`);
  const row = page.locator('tr[data-artifact="app"]');
  await row.waitFor();
  const answer = await fetch(`${url}/api/v1/projects/delta/runs/${run.number}/artifacts`, { headers: { authorization: `Bearer ${adminToken}` } });
  const [listed] = ((await answer.json()) as { artifacts: { sha256: string; sizeBytes: number }[] }).artifacts;
  assert.ok(listed);
  assert.match(await row.innerText(), new RegExp(`app\\s+build\\s+\\d+(\\.\\d)? (B|KB)\\s+${listed.sha256.slice(0, 12)}`));
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: 'Download app' }).click()]);
  assert.equal(download.suggestedFilename(), 'app.tar.gz');
  const bytes = readFileSync((await download.path())!);
  assert.equal(bytes.length, listed.sizeBytes);
  assert.equal(createHash('sha256').update(bytes).digest('hex'), listed.sha256);
  assert.match(gunzipSync(bytes).toString('latin1'), /built-for-the-web-test/);
  await page.locator('h1 .status[data-status="success"]').waitFor();
  await page.screenshot({ path: join(shots, 'run-artifacts.png'), fullPage: true });
});

test('artifacts: a maintainer deletes one from the run page; a viewer is refused and the page says so', async () => {
  const run = await api.runs.trigger('delta', {});
  await api.members.set('delta', 'lin', 'viewer');
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const viewer = await context.newPage();
  try {
    await logIn(viewer, url, 'lin', 'lin-password-3');
    await viewer.goto(`${url}/projects/delta/runs/${run.number}`);
    await viewer.getByRole('button', { name: 'Delete app' }).click();
    await viewer.getByRole('alert').getByText(/app: .*project:manage/).waitFor();
    assert.equal(await viewer.locator('tr[data-artifact="app"]').count(), 1);
  } finally {
    await context.close();
  }
  await page.goto(`${url}/projects/delta/runs/${run.number}`);
  await page.getByRole('button', { name: 'Delete app' }).click();
  await page.getByText('No artifacts.').waitFor();
  const answer = await fetch(`${url}/api/v1/projects/delta/runs/${run.number}/artifacts`, { headers: { authorization: `Bearer ${adminToken}` } });
  assert.deepEqual(((await answer.json()) as { artifacts: unknown[] }).artifacts, []);
});

test('the new pages at phone width in the dark theme: no sideways scrolling, dark background, keyboard focus visible', async () => {
  await api.members.set('alpha', 'lin', 'developer');
  await page.setViewportSize({ width: 375, height: 740 });
  await page.emulateMedia({ colorScheme: 'dark' });
  try {
    const pages = [
      ['/projects/delta/runs/1', 'tr[data-artifact="app"]', 'run-artifacts-phone-dark.png'],
      ['/projects/alpha/members', 'tr[data-member="lin"]', 'members-phone-dark.png'],
      ['/secrets', 'main form button', 'instance-secrets-phone-dark.png'],
      ['/users', 'tr[data-user="lin"]', 'users-phone-dark.png'],
      ['/account', 'main form button', 'account-phone-dark.png'],
    ] as const;
    for (const [path, ready, shot] of pages) {
      await page.goto(`${url}${path}`);
      await page.locator(ready).first().waitFor();
      const wide = await page.evaluate(`[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).map((e) => e.tagName + '.' + e.className).slice(0, 5).join(', ')`);
      assert.ok(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1'), `${path} scrolls sideways: ${String(wide)}`);
      // Not even inside a scrolling box: every button is on screen.
      assert.ok(await page.evaluate(`[...document.querySelectorAll('main button')].every((b) => b.getBoundingClientRect().right <= window.innerWidth + 1)`), `${path}: a button is off screen`);
      assert.equal(await page.evaluate('getComputedStyle(document.body).backgroundColor'), 'rgb(13, 17, 23)');
      await page.screenshot({ path: join(shots, shot), fullPage: true });
    }
    // The account form is reachable with Tab alone, with a visible focus ring on each field.
    await page.locator('main h1').click();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement.name'), 'currentPassword');
    assert.equal(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle'), 'solid');
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.emulateMedia({ colorScheme: 'light' });
  }
});
