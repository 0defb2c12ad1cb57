// The web UI against WCAG 2 A and AA as axe-core checks them (contrast of every text in both themes,
// names for controls and links, landmarks, ARIA use, …), on every page with real data: a real
// `gantry server` process, a real git origin, real jobs (one passes, one fails, one waits for an
// approval), Debian's chromium through playwright-core. axe-core is the rule engine browsers' own
// accessibility tools use; it runs inside the page, injected from node_modules (nothing downloaded).
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createApiClient, type ApiClient } from '../../src/api-client/index.js';
import { createTestOrigin, type TestOrigin } from '../../src/server/repos/test-origin.js';
import { startServerProcess } from '../helpers/server-process.js';
import { ensureWebBuilt, launchChromium, logIn } from './helpers/browser.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PASSWORD = 'accessibility-test-password';
const PIPELINE = `version: 1
on:
  api: {}
fail_fast: false
jobs:
  build:
    steps:
      - run: printf '\\033[32mgreen ok\\033[0m\\nbuilding\\n'
  lint:
    steps:
      - run: 'echo "error: bad style" >&2; exit 1'
  deploy:
    needs: [build]
    environment: production
    steps:
      - run: echo deployed
`;

const dataDir = mkdtempSync(join(tmpdir(), 'gantry-web-a11y-'));
let server: ChildProcess;
let url = '';
let api: ApiClient;
let browser: Browser;
let page: Page;
let origin: TestOrigin;

before(async () => {
  ensureWebBuilt();
  origin = createTestOrigin();
  origin.commit({ '.gantry.yml': PIPELINE }, { message: 'accessible pipeline' });
  const running = await startServerProcess(dataDir, { env: { GANTRY_ADMIN_PASSWORD: PASSWORD } });
  server = running.child;
  url = running.url;
  api = createApiClient({ baseUrl: url, token: running.token });
  await api.projects.create({ name: 'site', repoUrl: origin.bare, settings: { protectedEnvironments: ['production'] } });
  await api.secrets.set('DEPLOY_KEY', 'a11y-secret-value', { project: 'site' });
  const run = await api.runs.trigger('site', {});
  // Wait until the run rests: build and lint ended, deploy waiting for its approval.
  for (const deadline = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 100))) {
    const now = await api.runs.get('site', run.number);
    const status = (id: string) => now.jobs.find((j) => j.id === id)?.status;
    if (status('deploy') === 'waiting' && status('lint') === 'failure') break;
    assert.ok(Date.now() < deadline && now.finishedAt === null, `the run did not come to rest: ${JSON.stringify(now)}`);
  }
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(30_000);
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) server.kill('SIGKILL');
  origin?.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Violation {
  id: string;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe's WCAG 2.0/2.1 A and AA rules on the page as it is now; returns what fails. */
async function axeViolations(): Promise<Violation[]> {
  // Evaluated, not added as a <script>: the UI's Content-Security-Policy (rightly) refuses inline scripts.
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(AXE_SOURCE);
  const result = (await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })`)) as { violations: Violation[] };
  return result.violations;
}

const describe = (violations: Violation[]) =>
  violations.map((v) => `${v.id} (${v.help}):\n${v.nodes.slice(0, 5).map((n) => `    ${n.target.join(' ')} — ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`).join('\n')}`).join('\n');

/** Each page, and what shows that its data has arrived (axe must see the page as a user does). */
const PAGES: { path: string; ready: string }[] = [
  { path: '/', ready: 'main a[href="/projects/site/runs/1"]' },
  { path: '/projects/site', ready: 'tr[data-run="1"]' },
  { path: '/projects/site/runs/1', ready: 'li.job[data-job="deploy"] .status[data-status="waiting"]' },
  { path: '/projects/site/runs/1/jobs/build', ready: '.log-row' },
  { path: '/projects/site/runs/1/jobs/lint', ready: '.log-row' },
  { path: '/projects/site/deliveries', ready: 'main h1' },
  { path: '/projects/site/secrets', ready: 'main :text("DEPLOY_KEY")' },
  { path: '/projects/site/members', ready: 'main h1' },
  { path: '/projects/site/settings', ready: 'main form' },
  { path: '/agents', ready: 'main :text("embedded")' },
  { path: '/users', ready: 'main :text("admin")' },
  { path: '/tokens', ready: 'main h1' },
  { path: '/secrets', ready: 'main h1' },
  { path: '/account', ready: 'main h1' },
];

for (const scheme of ['light', 'dark'] as const) {
  test(`${scheme} theme: the login page and every signed-in page pass axe's WCAG 2 A/AA rules`, async () => {
    await page.emulateMedia({ colorScheme: scheme });
    const failures: string[] = [];
    await page.context().clearCookies();
    await page.goto(`${url}/login`);
    await page.evaluate('sessionStorage.clear()');
    await page.goto(`${url}/login`);
    await page.getByLabel('Username').waitFor();
    const atLogin = await axeViolations();
    if (atLogin.length > 0) failures.push(`/login\n  ${describe(atLogin)}`);
    await logIn(page, url, 'admin', PASSWORD);
    for (const { path, ready } of PAGES) {
      await page.goto(`${url}${path}`);
      await page.locator(ready).first().waitFor();
      const found = await axeViolations();
      if (found.length > 0) failures.push(`${path}\n  ${describe(found)}`);
    }
    assert.deepEqual(failures, [], `accessibility problems (${scheme} theme):\n${failures.join('\n')}`);
  });
}

test('the check itself catches what it is for: a low-contrast line and an unnamed button added to a page are reported', async () => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(`${url}/agents`);
  await page.locator('main :text("embedded")').first().waitFor();
  await page.evaluate(`(() => {
    const p = document.createElement('p');
    p.textContent = 'pale text';
    p.style.cssText = 'color: #ddd; background: #fff';
    const b = document.createElement('button');
    b.type = 'button';
    document.querySelector('main').append(p, b);
  })()`);
  const ids = (await axeViolations()).map((v) => v.id).sort();
  assert.deepEqual(ids, ['button-name', 'color-contrast']);
});
