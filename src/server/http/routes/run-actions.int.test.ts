import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { createApiClient, type RunDetailView } from '../../../api-client/index.js';
import { loadConfig, serverSettings } from '../../../config/index.js';
import { GantryError } from '../../../core/index.js';
import { startServer, type RunningServer } from '../../index.js';
import { createTestOrigin } from '../../repos/test-origin.js';

/* Cancel and retry over real HTTP: the real server (SQLite, embedded agent, git origin) and the API client. */

const TOKEN = 'run-actions-admin-token';
let dir: string;
let server: RunningServer;
const origin = createTestOrigin();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gantry-run-actions-'));
  const config = loadConfig(serverSettings, {
    env: { GANTRY_LISTEN: '127.0.0.1:0', GANTRY_DATA_DIR: dir, GANTRY_ADMIN_TOKEN: TOKEN, GANTRY_LOG_LEVEL: 'warn', GANTRY_LEASE_TTL: '10s' },
    context: { cwd: dir, isTty: false },
  });
  server = await startServer(config, { announce: () => {}, logDestination: new Writable({ write: (_c, _e, done) => done() }) });
});

after(async () => {
  await server.stop('test');
  rmSync(dir, { recursive: true, force: true });
  origin.cleanup();
});

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof GantryError, String(err));
    return err.code;
  }
  assert.fail('expected a rejection');
}

async function until(api: ReturnType<typeof createApiClient>, project: string, n: number, done: (r: RunDetailView) => boolean): Promise<RunDetailView> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const run = await api.runs.get(project, n);
    if (done(run)) return run;
    if (Date.now() > deadline) throw new Error(`run #${n} stayed ${run.status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
const ended = (r: RunDetailView) => ['success', 'failure', 'canceled', 'error', 'skipped'].includes(r.status);

test('POST .../cancel and .../retry through the API client', async () => {
  const marks = mkdtempSync(join(tmpdir(), 'gantry-marks-'));
  origin.commit({
    '.gantry.yml': `version: 1
on: { manual: {} }
jobs:
  build:
    checkout: false
    steps:
      - run: 'echo built >> "${marks}/count"'
  test:
    needs: [build]
    checkout: false
    steps:
      - run: 'test -f "${marks}/go" || sleep 30'
      - run: 'test -f "${marks}/go"'
`,
  });
  const api = createApiClient({ baseUrl: server.url, token: TOKEN });
  await api.projects.create({ name: 'acts', repoUrl: origin.bare });
  const first = await api.runs.trigger('acts', { event: 'manual' });
  await until(api, 'acts', first.number, (r) => r.jobs.some((j) => j.id === 'test' && j.status === 'running'));

  const canceling = await api.runs.cancel('acts', first.number);
  assert.ok(['running', 'canceled'].includes(canceling.status));
  const canceled = await until(api, 'acts', first.number, ended);
  assert.equal(canceled.status, 'canceled');
  assert.match(canceled.reason ?? '', /^canceled by admin/);
  assert.equal((await api.runs.cancel('acts', first.number)).status, 'canceled', 'a repeat answers the same');

  writeFileSync(join(marks, 'go'), '');
  const retried = await api.runs.retry('acts', first.number, { failedOnly: true });
  assert.equal(retried.number, first.number + 1);
  assert.equal(retried.sha, first.sha);
  assert.equal(retried.trigger.retryOf !== null, true);
  const done = await until(api, 'acts', retried.number, ended);
  assert.equal(done.status, 'success', done.reason ?? '');
  assert.equal(readFileSync(join(marks, 'count'), 'utf8'), 'built\n', 'build carried over, not run again');
  assert.equal(await code(api.runs.cancel('acts', retried.number)), 'RUN_ALREADY_FINISHED');

  const whole = await api.runs.retry('acts', retried.number);
  assert.equal((await until(api, 'acts', whole.number, ended)).status, 'success');
  assert.equal(readFileSync(join(marks, 'count'), 'utf8'), 'built\nbuilt\n');
  assert.equal(await code(api.runs.retry('acts', 99)), 'RUN_NOT_FOUND');
  rmSync(marks, { recursive: true, force: true });
});
