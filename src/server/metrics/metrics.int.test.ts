// GET /metrics after real work, in one process: startServer (real SQLite, real git origin, embedded
// agent running a real shell step), webhooks and scrapes over real HTTP on 127.0.0.1.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createApiClient } from '../../api-client/index.js';
import { loadConfig, serverSettings } from '../../config/index.js';
import { genericDelivery, ZERO_SHA } from '../../triggers/index.js';
import { startServer, type RunningServer } from '../index.js';
import { createTestOrigin, type TestOrigin } from '../repos/test-origin.js';

const ADMIN = 'metrics-test-admin-token';
const METRICS_TOKEN = 'metrics-test-scrape-token-0123';
const SECRET = 'metrics-hook-secret';
const LINES = 250;
const PIPELINE = `version: 1
on: { push: { branches: [main] } }
jobs:
  talk:
    checkout: false
    steps:
      - run: "for i in $(seq 1 ${LINES}); do echo line $i; done"
`;

const quiet = () => new Writable({ write: (_c, _e, done) => done() });

async function start(dir: string, env: Record<string, string>): Promise<RunningServer> {
  const config = loadConfig(serverSettings, {
    env: { GANTRY_LISTEN: '127.0.0.1:0', GANTRY_DATA_DIR: dir, GANTRY_ADMIN_TOKEN: ADMIN, GANTRY_LOG_LEVEL: 'warn', GANTRY_SHUTDOWN_GRACE: '1s', ...env },
    context: { cwd: dir, isTty: false },
  });
  return startServer(config, { announce: () => {}, logDestination: quiet() });
}

async function scrape(url: string, token: string | undefined): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(`${url}/metrics`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

/** The value of one sample, `name{labels}` written exactly as prom-client prints it (labels in declaration order). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function until(check: () => Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('GET /metrics with GANTRY_METRICS_TOKEN, after a run through a webhook', () => {
  let dir: string;
  let origin: TestOrigin;
  let server: RunningServer;
  let text: string;
  let storedLines: number;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-metrics-'));
    origin = createTestOrigin();
    const sha = origin.commit({ '.gantry.yml': PIPELINE }, { message: 'metrics' });
    server = await start(dir, { GANTRY_METRICS_TOKEN: METRICS_TOKEN });
    const api = createApiClient({ baseUrl: server.url, token: ADMIN });
    await api.projects.create({ name: 'm', repoUrl: origin.bare, forge: 'generic', secret: SECRET });
    const push = genericDelivery({ ref: 'refs/heads/main', before: ZERO_SHA, after: sha }, SECRET, 'delivery-1');
    const post = (headers: Record<string, string>) => fetch(`${server.url}/hooks/generic/m`, { method: 'POST', headers, body: push.body });
    assert.equal((await post(push.headers)).status, 201);
    assert.equal((await post(push.headers)).status, 200, 'the same delivery again is a duplicate');
    const forged = { ...push.headers, 'X-Gantry-Signature': `sha256=${'0'.repeat(64)}` };
    assert.equal((await post(forged)).status, 401);
    await until(async () => (await api.runs.get('m', 1)).status === 'success', 'run #1 to succeed');
    const run = await server.store.runs.getByNumber((await server.store.projects.getByName('m'))!.id, 1);
    storedLines = (await server.store.logs.read(run!.id, 'talk')).length;
    await api.runs.list('m');
    await api.runs.list('m');
    assert.equal((await fetch(`${server.url}/api/v1/no/such/path-4711`)).status, 404);
    const scraped = await scrape(server.url, METRICS_TOKEN);
    assert.equal(scraped.status, 200);
    assert.match(scraped.type ?? '', /^text\/plain; version=0\.0\.4/);
    text = scraped.text;
  });

  after(async () => {
    await server?.stop('test');
    origin?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test('runs by status come from the store, every status present', () => {
    assert.equal(sample(text, 'gantry_runs{status="success"}'), 1);
    for (const status of ['queued', 'waiting', 'running', 'failure', 'canceled', 'skipped', 'error']) {
      assert.equal(sample(text, `gantry_runs{status="${status}"}`), 0, status);
    }
  });

  test('one job attempt: one queue wait, one duration under its status; queue empty, embedded agent connected', () => {
    assert.equal(sample(text, 'gantry_job_duration_seconds_count{status="success"}'), 1);
    assert.equal(sample(text, 'gantry_queue_wait_seconds_count'), 1);
    assert.equal(sample(text, 'gantry_queue_depth'), 0);
    assert.equal(sample(text, 'gantry_jobs_leased'), 0);
    assert.equal(sample(text, 'gantry_agents_connected'), 1);
  });

  test('log lines stored: exactly the lines the step printed, as many as the store holds', () => {
    assert.equal(storedLines, LINES);
    assert.equal(sample(text, 'gantry_log_lines_stored_total'), LINES);
  });

  test('webhook deliveries by forge and answer: accepted, duplicate, and the forged one rejected', () => {
    assert.equal(sample(text, 'gantry_webhook_deliveries_total{forge="generic",outcome="accepted"}'), 1);
    assert.equal(sample(text, 'gantry_webhook_deliveries_total{forge="generic",outcome="duplicate"}'), 1);
    assert.equal(sample(text, 'gantry_webhook_deliveries_total{forge="generic",outcome="rejected"}'), 1);
  });

  test('HTTP requests are labelled by route pattern and status class, never by raw URL (unmatched ones share one label)', () => {
    assert.equal(sample(text, 'gantry_http_request_duration_seconds_count{method="GET",route="/api/v1/projects/:name/runs",status_class="2xx"}'), 2);
    assert.equal(sample(text, 'gantry_http_request_duration_seconds_count{method="POST",route="/hooks/generic/:project",status_class="4xx"}'), 1);
    assert.doesNotMatch(text, /route="\/api\/v1\/projects\/m\//);
    assert.equal(sample(text, 'gantry_http_request_duration_seconds_count{method="GET",route="(unmatched)",status_class="4xx"}'), 1);
    assert.doesNotMatch(text, /path-4711/);
  });

  test('process metrics from prom-client are there', () => {
    assert.ok((sample(text, 'process_resident_memory_bytes') ?? 0) > 0);
    assert.match(text, /^nodejs_eventloop_lag_seconds /m);
  });

  test('scrape with a wrong metrics token: 401 problem, nothing collected', async () => {
    const wrong = await scrape(server.url, `${METRICS_TOKEN}x`);
    assert.equal(wrong.status, 401);
    assert.equal(JSON.parse(wrong.text).code, 'AUTH_INVALID_TOKEN');
    assert.doesNotMatch(wrong.text, /gantry_/);
  });

  test('scrape without a token, or with the admin API token instead of the metrics token: 401', async () => {
    const none = await scrape(server.url, undefined);
    assert.equal(none.status, 401);
    assert.equal(JSON.parse(none.text).code, 'AUTH_REQUIRED');
    assert.equal((await scrape(server.url, ADMIN)).status, 401);
  });
});

describe('GET /metrics without GANTRY_METRICS_TOKEN needs an admin', () => {
  let dir: string;
  let server: RunningServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-metrics-admin-'));
    server = await start(dir, { GANTRY_EMBEDDED_AGENT: 'false' });
  });

  after(async () => {
    await server?.stop('test');
    rmSync(dir, { recursive: true, force: true });
  });

  test('anonymous scrape: 401; a token nobody issued: 401; the admin token: 200 with the metrics', async () => {
    assert.equal((await scrape(server.url, undefined)).status, 401);
    assert.equal((await scrape(server.url, 'not-a-real-token-at-all')).status, 401);
    const ok = await scrape(server.url, ADMIN);
    assert.equal(ok.status, 200);
    assert.equal(sample(ok.text, 'gantry_agents_connected'), 0);
    assert.equal(sample(ok.text, 'gantry_runs{status="success"}'), 0);
  });
});
