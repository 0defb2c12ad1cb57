// The web UI as a user meets it: Debian's chromium (playwright-core) against a real `gantry server`
// process serving the built UI, a real bare repository with Gantry's post-receive hook, and real jobs
// run by the embedded agent. One server and one browser for the whole file; the tests run in order.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createApiClient, type ApiClient } from '../../src/api-client/index.js';
import { createTestOrigin, type TestOrigin } from '../../src/server/repos/test-origin.js';
import { runGantry, startServerProcess } from '../helpers/server-process.js';
import { ensureWebBuilt, launchChromium, screenshotDir } from './helpers/browser.js';

const PASSWORD = 'web-ui-test-password';
const SECRET = 'web-ui-hook-secret';
// build prints markup that must stay text and a coloured line; lint fails with a line to search for;
// test is a matrix; deploy waits for approval (the project protects production).
const PIPELINE = `version: 1
on:
  push: { branches: [main] }
  manual: {}
fail_fast: false
jobs:
  build:
    steps:
      - name: compile
        run: |
          echo 'compiling'
          echo '<img src=x onerror=alert(1)>'
          printf '\\033[32mgreen ok\\033[0m\\n'
  lint:
    steps:
      - name: eslint
        run: |
          echo 'checking 12 files'
          echo 'error: needle-7 is not allowed'
          exit 3
  test:
    needs: [build]
    matrix: { node: [20, 22] }
    steps:
      - run: echo "testing on node \${{ matrix.node }}"
  deploy:
    needs: [build]
    environment: production
    steps:
      - run: echo deploying
`;
const SLOW = `version: 1
on:
  push: { branches: [main] }
jobs:
  sleepy:
    steps:
      - run: echo 'going to sleep'; sleep 300
`;

const dataDir = mkdtempSync(join(tmpdir(), 'gantry-web-'));
const shots = screenshotDir();
let server: ChildProcess;
let url = '';
let api: ApiClient;
let adminToken = '';
let browser: Browser;
let page: Page;
let origin: TestOrigin;
let slowOrigin: TestOrigin;
const dialogs: string[] = [];

async function pushProject(name: string, repo: TestOrigin, env: Record<string, string>, settings: object = {}): Promise<void> {
  await api.projects.create({ name, repoUrl: repo.bare, secret: SECRET, settings });
  const install = await runGantry(['hooks', 'install', '--post-receive', '--server', url, '--project', name, '--repo', repo.bare, '--secret', SECRET], env);
  assert.equal(install.code, 0, install.stderr);
}

before(async () => {
  ensureWebBuilt();
  origin = createTestOrigin();
  slowOrigin = createTestOrigin();
  const running = await startServerProcess(dataDir, { env: { GANTRY_ADMIN_PASSWORD: PASSWORD } });
  server = running.child;
  url = running.url;
  adminToken = running.token;
  api = createApiClient({ baseUrl: url, token: running.token });
  const env = { GANTRY_SERVER: url, GANTRY_TOKEN: running.token };
  await pushProject('site', origin, env, { protectedEnvironments: ['production'] });
  await pushProject('slow', slowOrigin, env);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.setDefaultTimeout(30_000);
  console.log(`screenshots: ${shots}`);
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) server.kill('SIGKILL');
  origin?.cleanup();
  slowOrigin?.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

test('an anonymous visit goes to the login page; a wrong password is refused; the right one logs in', async () => {
  await page.goto(`${url}/projects/site`);
  await page.waitForURL(/\/login\?next=%2Fprojects%2Fsite$/);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('alert').filter({ hasText: /./ }).waitFor();
  await page.screenshot({ path: join(shots, 'login.png') });
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  // Back where the user wanted to go.
  await page.waitForURL(`${url}/projects/site`);
  await page.getByRole('heading', { name: 'site' }).waitFor();
  // (Page code goes in as strings: the tests compile without the DOM's types.)
  // The session lives in sessionStorage (docs/ui.md), never in localStorage or cookies.
  assert.equal(await page.evaluate('localStorage.length'), 0);
  assert.deepEqual(await page.context().cookies(), []);
});

test('git push → the run appears in the runs list without a reload, then the run page shows the DAG live', async () => {
  await page.goto(`${url}/projects/site`);
  await page.locator('table.runs').waitFor();
  assert.equal(await page.locator('tr[data-run]').count(), 0);
  origin.commit({ '.gantry.yml': PIPELINE }, { message: 'web ui pipeline', author: 'Ada Lovelace <ada@example.com>' });
  const row = page.locator('tr[data-run="1"]');
  await row.waitFor({ timeout: 15_000 });
  assert.match(await row.innerText(), /#1[\s\S]*push[\s\S]*main[\s\S]*web ui pipeline[\s\S]*Ada Lovelace/);
  await page.screenshot({ path: join(shots, 'runs.png') });

  await row.getByRole('link', { name: '#1' }).click();
  await page.waitForURL(`${url}/projects/site/runs/1`);
  // Every job is a node of the graph; the matrix instances sit in one group named for their job.
  for (const job of ['build', 'lint', 'test (node: 20)', 'test (node: 22)', 'deploy']) await page.locator(`svg.dag a[data-job="${job}"]`).waitFor();
  assert.equal(await page.locator('svg.dag .dag-group text').textContent(), 'test');
  assert.ok((await page.locator('svg.dag .dag-edge').count()) >= 3, 'edges for needs');
  // deploy waits for a decision, and says why.
  await page.locator('li.job[data-job="deploy"]').getByText('approval required (environment production)').waitFor();
  // lint does not gate deploy, so it may still be running when deploy starts to wait: wait for its end.
  await page.locator('li.job[data-job="lint"] .status[data-status="failure"]').waitFor();
  await page.screenshot({ path: join(shots, 'run-dag.png'), fullPage: true });
});

test('approve the gated job from the run page: it runs, and the run ends live', async () => {
  await page.getByRole('button', { name: 'Approve deploy' }).click();
  await page.locator('h1 .status[data-status="failure"]').waitFor({ timeout: 30_000 });
  await page.locator('li.job[data-job="deploy"] .status[data-status="success"]').waitFor();
  await page.locator('li.job[data-job="deploy"]').getByText(/approved by admin/).waitFor();
  const run = await api.runs.get('site', 1);
  assert.equal(run.jobs.find((j) => j.id === 'deploy')?.approval?.decision, 'approved');
});

test("open the failing job's log from the DAG and search it", async () => {
  await page.locator('svg.dag a[data-job="lint"]').click();
  await page.waitForURL(`${url}/projects/site/runs/1/jobs/lint`);
  await page.locator('.log-row', { hasText: 'checking 12 files' }).waitFor();
  await page.getByRole('searchbox', { name: 'Search the log' }).fill('NEEDLE-7');
  await page.getByRole('searchbox', { name: 'Search the log' }).press('Enter');
  await page.getByTestId('match-count').filter({ hasText: /^1 of 1$/ }).waitFor();
  await page.locator('.log-row.current', { hasText: /error: needle-7 is not allowed/ }).waitFor();
  // Steps are collapsible and carry their duration.
  const header = page.locator('.log-step', { hasText: 'eslint' });
  assert.match(await header.innerText(), /failure · \d+ ?(ms|s)/);
  await header.getByRole('button').click();
  await page.locator('.log-row', { hasText: 'checking 12 files' }).waitFor({ state: 'detached' });
  await header.getByRole('button').click();
  await page.locator('.log-row', { hasText: 'checking 12 files' }).waitFor();
  await page.screenshot({ path: join(shots, 'log-search.png') });
});

test('a log line with markup shows as text: no img element, no dialog; ANSI colours become classes', async () => {
  await page.goto(`${url}/projects/site/runs/1/jobs/build`);
  const line = page.locator('.log-row', { hasText: '<img src=x onerror=alert(1)>' });
  await line.waitFor();
  assert.equal(await page.locator('.log img, main img').count(), 0);
  assert.equal(await line.locator('.text').innerText(), '<img src=x onerror=alert(1)>');
  assert.equal(await page.locator('.log-row .ansi-green-fg', { hasText: 'green ok' }).count(), 1);
  await page.waitForTimeout(300);
  assert.deepEqual(dialogs, []);
});

test('permalinks: #L2 opens the log at line 2, highlighted', async () => {
  await page.goto(`${url}/projects/site/runs/1/jobs/build#L2`);
  await page.locator('#L2.current').waitFor();
  assert.equal(await page.locator('#L2 .ln').getAttribute('href'), '#L2');
});

test('timestamps on demand (t) and the raw log download', async () => {
  await page.goto(`${url}/projects/site/runs/1/jobs/lint`);
  await page.locator('.log-row', { hasText: 'checking 12 files' }).waitFor();
  assert.equal(await page.locator('.log-row .ts').count(), 0);
  await page.locator('.log').focus();
  await page.keyboard.press('t');
  assert.match(await page.locator('.log-row', { hasText: 'checking 12 files' }).locator('.ts').innerText(), /^\d\d:\d\d:\d\d\.\d{3}$/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Raw log' }).click()]);
  assert.equal(download.suggestedFilename(), 'site-1-lint.log');
  const text = readFileSync((await download.path())!, 'utf8');
  assert.match(text, /^checkout [0-9a-f]{40}\nchecking 12 files\nerror: needle-7 is not allowed\n/);
});

test('retry failed: a new run where the jobs that passed are carried over', async () => {
  await page.goto(`${url}/projects/site/runs/1`);
  await page.getByRole('button', { name: 'Retry failed' }).click();
  await page.waitForURL(`${url}/projects/site/runs/2`);
  await page.locator('li.job[data-job="build"]').getByText('carried over from run #1').waitFor();
  await page.locator('li.job[data-job="lint"] .status[data-status="failure"]').waitFor();
  const run = await api.runs.get('site', 2);
  assert.equal(run.trigger.retryOf, (await api.runs.get('site', 1)).id);
});

test('cancel a long job from the run page', async () => {
  slowOrigin.commit({ '.gantry.yml': SLOW }, { message: 'sleep long' });
  await page.goto(`${url}/projects/slow/runs/1`);
  await page.locator('li.job[data-job="sleepy"] .status[data-status="running"]').waitFor();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.locator('h1 .status[data-status="canceled"]').waitFor({ timeout: 30_000 });
  assert.equal((await api.runs.get('slow', 1)).status, 'canceled');
});

test('deliveries: the push shows with its run; replay processes it again as a new delivery and run', async () => {
  await page.goto(`${url}/projects/site`);
  await page.getByRole('navigation', { name: 'site pages' }).getByRole('link', { name: 'Deliveries' }).click();
  await page.waitForURL(`${url}/projects/site/deliveries`);
  // Delivery ids are the server's, across projects: find the push by its run.
  const first = page.locator('tr[data-delivery]', { hasText: /accepted\s*#1\s*Replay/ });
  await first.waitFor();
  const id = Number(await first.getAttribute('data-delivery'));
  assert.match(await first.innerText(), /generic push\s+accepted\s+#1/);
  await first.getByRole('button', { name: `Replay ${id}` }).click();
  await page.getByTestId('replay-result').getByText(new RegExp(`^delivery ${id} replayed as \\d+: accepted, run #\\d+$`)).waitFor();
  await page.locator('tr[data-delivery]', { hasText: `replay of ${id}` }).waitFor();
  await page.screenshot({ path: join(shots, 'deliveries.png') });
});

test('secrets: set one (the value is never shown), then delete it', async () => {
  await page.goto(`${url}/projects/site/secrets`);
  await page.getByText('No secrets.').waitFor();
  await page.getByLabel('Name').fill('DEPLOY_KEY');
  await page.getByLabel('Value').fill('s3cret-value-123');
  await page.getByRole('button', { name: 'Set secret' }).click();
  await page.locator('li[data-secret="DEPLOY_KEY"]').waitFor();
  assert.doesNotMatch(await page.content(), /s3cret-value-123/);
  const listed = await fetch(`${url}/api/v1/projects/site/secrets`, { headers: { authorization: `Bearer ${adminToken}` } });
  assert.deepEqual(((await listed.json()) as { secrets: { name: string }[] }).secrets.map((x) => x.name), ['DEPLOY_KEY']);
  await page.getByRole('button', { name: 'Delete DEPLOY_KEY' }).click();
  await page.getByText('No secrets.').waitFor();
});

test('agents: the embedded agent with its labels; pause and resume it', async () => {
  await page.getByRole('link', { name: 'Agents' }).click();
  await page.waitForURL(`${url}/agents`);
  const row = page.locator('tr[data-agent]').first();
  await row.waitFor();
  assert.match(await row.innerText(), /embedded/);
  await row.getByRole('button', { name: 'Pause' }).click();
  await row.getByTestId('agent-state').getByText('paused').waitFor();
  await row.getByRole('button', { name: 'Resume' }).click();
  await row.getByTestId('agent-state').getByText(/idle|busy/).waitFor();
});

test('project settings: change and save; the API shows the new values', async () => {
  await page.goto(`${url}/projects/site/settings`);
  await page.getByLabel(/Max concurrent runs/).fill('3');
  await page.getByLabel(/Protected environments/).fill('production, staging');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByRole('status').getByText('saved').waitFor();
  const project = await api.projects.get('site');
  assert.equal(project.settings.maxConcurrentRuns, 3);
  assert.deepEqual(project.settings.protectedEnvironments, ['production', 'staging']);
  await page.screenshot({ path: join(shots, 'settings.png') });
});

test('API tokens: create one (shown once, and it works), then revoke it', async () => {
  await page.getByRole('link', { name: 'Tokens' }).click();
  await page.waitForURL(`${url}/tokens`);
  await page.getByLabel('Name').fill('ci-read');
  await page.getByLabel('Scope').selectOption('read');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = await page.getByTestId('new-token').innerText();
  const me = (bearer: string) => fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${bearer}` } });
  assert.equal((await me(token)).status, 200);
  await page.locator('li[data-token="ci-read"]').getByText(/^read · created/).waitFor();
  await page.getByRole('button', { name: 'Revoke ci-read' }).click();
  await page.locator('li[data-token="ci-read"]').waitFor({ state: 'detached' });
  assert.equal((await me(token)).status, 401);
});

test('users (admin): add one who can then log in, deactivate them (refused at once), delete them', async () => {
  await page.getByRole('link', { name: 'Users' }).click();
  await page.waitForURL(`${url}/users`);
  const add = page.getByRole('form', { name: 'Add a user' });
  await add.getByLabel('Username').fill('grace');
  await add.getByLabel('Password').fill('grace-password-1');
  await add.getByRole('button', { name: 'Add user' }).click();
  await page.locator('tr[data-user="grace"]').waitFor();
  const loginAs = () => fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'grace', password: 'grace-password-1' }) });
  assert.equal((await loginAs()).status, 200);
  await page.getByRole('button', { name: 'Deactivate grace' }).click();
  await page.locator('tr[data-user="grace"]', { hasText: 'deactivated' }).waitFor();
  assert.equal((await loginAs()).status, 401);
  await page.getByRole('button', { name: 'Delete grace' }).click();
  await page.locator('tr[data-user="grace"]').waitFor({ state: 'detached' });
});

test('trigger a run from the runs page (a bad input is refused with the reason); filters narrow the list', async () => {
  const newest = async () => (await api.runs.list('site', { limit: 1 })).runs[0]?.number;
  const before = await newest();
  await page.goto(`${url}/projects/site`);
  await page.getByText('Trigger a run').click();
  await page.getByLabel(/Inputs/).fill('target=moon');
  await page.getByRole('button', { name: 'Start run' }).click();
  // The pipeline declares no manual inputs: the server refuses, the form says why, no run is made.
  await page.locator('details.trigger .error', { hasText: /input/i }).waitFor();
  assert.equal(await newest(), before);
  await page.getByLabel(/Inputs/).fill('');
  await page.getByRole('button', { name: 'Start run' }).click();
  await page.waitForURL(/\/projects\/site\/runs\/\d+$/);
  const number = Number(page.url().split('/').pop());
  assert.equal((await api.runs.get('site', number)).event, 'manual');

  await page.goto(`${url}/projects/site`);
  await page.getByLabel('Event').selectOption('manual');
  await page.waitForURL(`${url}/projects/site?event=manual`);
  await page.locator(`tr[data-run="${number}"]`).waitFor();
  await page.locator('tr[data-run="1"]').waitFor({ state: 'detached' });
  assert.ok((await page.locator('tr[data-run]').allInnerTexts()).every((row) => /\bmanual\b/.test(row)));
});

test('the projects page shows the latest run per branch; phone width, dark theme and keyboard focus work', async () => {
  await page.goto(`${url}/`);
  await page.locator('.card', { hasText: 'site' }).locator('.status').first().waitFor();
  await page.screenshot({ path: join(shots, 'projects.png') });
  // A phone, in the dark theme the system asks for.
  await page.setViewportSize({ width: 375, height: 740 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`${url}/projects/site/runs/1`);
  await page.locator('svg.dag').waitFor();
  // Nothing but the graph's own box scrolls sideways on a phone.
  assert.ok(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1'));
  assert.equal(await page.evaluate('getComputedStyle(document.body).backgroundColor'), 'rgb(13, 17, 23)');
  await page.screenshot({ path: join(shots, 'run-phone-dark.png'), fullPage: true });
  // Tab reaches the links with a visible focus ring.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
  assert.equal(outline, 'solid');
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: 'light' });
});

test('log out ends the session: the refresh token is revoked and pages ask to log in again', async () => {
  await page.goto(`${url}/`);
  const refreshToken = (await page.evaluate("JSON.parse(sessionStorage.getItem('gantry.session') ?? '{}').refreshToken")) as string | undefined;
  assert.ok(refreshToken);
  // The page leaves for /login as soon as the session is dropped; the revocation is the request after.
  const revoked = page.waitForResponse((response) => response.url().endsWith('/api/v1/auth/logout'));
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(/\/login/);
  assert.equal((await revoked).status(), 204);
  assert.equal(await page.evaluate("sessionStorage.getItem('gantry.session')"), null);
  const refresh = await fetch(`${url}/api/v1/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken }) });
  assert.equal(refresh.status, 401);
});
