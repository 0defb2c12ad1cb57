// Budget: the log page stays responsive while 100,000 lines stream in. A real server runs a job that
// prints them in bursts; chromium shows the log in follow mode while a probe in the page records the
// time between animation frames and how late a 50 ms timer fires (what an input event would wait).
// The figures are printed and recorded in docs/benchmarks.md ("web UI"). This file runs in the test
// runner's solo phase (*.perf.test.ts); the load of a busy 2-core machine only ever slows frames, so
// the budget holds when one of up to three watched streams meets it, while the structural checks
// (rows in the DOM, lines seen live, the count) hold for every one.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createApiClient } from '../../src/api-client/index.js';
import { createTestOrigin, type TestOrigin } from '../../src/server/repos/test-origin.js';
import { startServerProcess } from '../helpers/server-process.js';
import { ensureWebBuilt, launchChromium, logIn, screenshotDir } from './helpers/browser.js';

const PASSWORD = 'log-perf-password';
const LINES = 100_000;
// 20 bursts of 5,000 lines, 0.5 s apart: the page renders while lines keep arriving.
const PIPELINE = `version: 1
on:
  api: {}
jobs:
  flood:
    steps:
      - name: print
        run: |
          for i in $(seq 0 19); do seq $((i*5000+1)) $((i*5000+5000)) | sed 's/^/line /'; sleep 0.5; done
`;

const dataDir = mkdtempSync(join(tmpdir(), 'gantry-web-perf-'));
let server: ChildProcess;
let url = '';
let token = '';
let origin: TestOrigin;
let browser: Browser;
let page: Page;

before(async () => {
  ensureWebBuilt();
  origin = createTestOrigin();
  origin.commit({ '.gantry.yml': PIPELINE }, { message: 'flood' });
  const running = await startServerProcess(dataDir, { env: { GANTRY_ADMIN_PASSWORD: PASSWORD } });
  server = running.child;
  url = running.url;
  token = running.token;
  await createApiClient({ baseUrl: url, token }).projects.create({ name: 'flood', repoUrl: origin.bare });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(120_000);
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) server.kill('SIGKILL');
  origin?.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

// A string, not a function: tsx compiles test functions with name helpers that do not exist in the page.
const PROBE = `(() => {
  const probe = (window.probe = { frames: [], late: [], rowsMax: 0, liveFrames: 0, stop: false });
  let last = performance.now();
  const frame = (now) => {
    probe.frames.push(now - last);
    last = now;
    probe.rowsMax = Math.max(probe.rowsMax, document.querySelectorAll('.log-row').length);
    if (/[1-9][\\d,]* lines · live/.test(document.querySelector('.toolbar')?.textContent ?? '')) probe.liveFrames++;
    if (!probe.stop) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  let expected = performance.now() + 50;
  const tick = () => {
    const now = performance.now();
    probe.late.push(Math.max(0, now - expected));
    expected = now + 50;
    if (!probe.stop) setTimeout(tick, 50);
  };
  setTimeout(tick, 50);
})()`;

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? 0;

interface Figures {
  seconds: string;
  frames: number;
  frameP50: string;
  frameP95: string;
  frameMax: string;
  inputLatencyP95: string;
  inputLatencyMax: string;
  domRowsMax: number;
  liveFrames: number;
}

/** Streams one run's 100,000 lines into the open log page and returns what the probe saw. */
async function watchOneStream(): Promise<Figures> {
  const api = createApiClient({ baseUrl: url, token });
  const run = await api.runs.trigger('flood', { event: 'api' });
  await page.goto(`${url}/projects/flood/runs/${run.number}/jobs/flood`);
  const started = Date.now();
  await page.locator('.log-row', { hasText: /line 100000$/ }).waitFor();
  const seconds = (Date.now() - started) / 1000;
  const probe = (await page.evaluate('window.probe.stop = true, window.probe')) as { frames: number[]; late: number[]; rowsMax: number; liveFrames: number };
  // The page must have watched the lines arrive, not found them all stored.
  assert.ok(probe.liveFrames > 30, `only ${probe.liveFrames} frames while lines were arriving`);
  // 100,000 printed lines, plus the job's own line(s) before the step ("· live" until the job's end arrives).
  assert.match(await page.locator('.toolbar').innerText(), /\b100,00\d lines( · live)?$/);
  // Virtualised: a window of rows, never the whole log.
  assert.ok(probe.rowsMax < 200, `${probe.rowsMax} rows in the DOM`);
  return {
    seconds: seconds.toFixed(1),
    frames: probe.frames.length,
    frameP50: percentile(probe.frames, 0.5).toFixed(1),
    frameP95: percentile(probe.frames, 0.95).toFixed(1),
    frameMax: Math.max(...probe.frames).toFixed(1),
    inputLatencyP95: percentile(probe.late, 0.95).toFixed(1),
    inputLatencyMax: Math.max(...probe.late).toFixed(1),
    domRowsMax: probe.rowsMax,
    liveFrames: probe.liveFrames,
  };
}

// Responsive: 95 % of frames within 1/10 s, 95 % of inputs handled within 0.2 s, and no freeze (a page
// that rendered every row stalls for many seconds; a loaded machine alone has made one input wait ~1 s).
const budgetMisses = (f: Figures): string[] => [
  ...(Number(f.frameP95) < 100 ? [] : [`p95 frame ${f.frameP95} ms`]),
  ...(Number(f.inputLatencyP95) < 200 ? [] : [`p95 input latency ${f.inputLatencyP95} ms`]),
  ...(Number(f.inputLatencyMax) < 3000 ? [] : [`input waited up to ${f.inputLatencyMax} ms`]),
];

test(`the log page stays responsive while ${LINES.toLocaleString('en')} lines stream in, and keeps only the visible rows in the DOM`, { timeout: 300_000 }, async () => {
  await logIn(page, url, 'admin', PASSWORD);
  // The probe runs from the page's start until the last line is shown; the page opens while the job prints.
  await page.addInitScript(PROBE);
  const misses: string[] = [];
  for (let attempt = 1; attempt <= 3; attempt++) {
    const figures = await watchOneStream();
    console.log(`log-perf (stream ${attempt}): ${JSON.stringify(figures)}`);
    const missed = budgetMisses(figures);
    if (missed.length === 0) break;
    misses.push(`stream ${attempt}: ${missed.join(', ')}`);
  }
  assert.ok(misses.length < 3, `every stream missed the budget: ${misses.join('; ')}`);
  await page.screenshot({ path: join(screenshotDir(), 'log-100k.png') });

  // Follow mode kept the newest line in view; scrolling up stops following.
  const follow = page.getByRole('button', { name: 'Follow' });
  assert.equal(await follow.getAttribute('aria-pressed'), 'true');
  await page.locator('.log').hover();
  await page.mouse.wheel(0, -2000);
  await page.getByRole('button', { name: 'Follow', pressed: false }).waitFor();
});
