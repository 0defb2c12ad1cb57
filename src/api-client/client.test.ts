import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { loadConfig, serverSettings } from '../config/index.js';
import { GantryError } from '../core/index.js';
import { startServer, type RunningServer } from '../server/index.js';
import { createTestOrigin } from '../server/repos/test-origin.js';
import { createApiClient } from './index.js';

const TOKEN = 'client-test-admin-token';
let dir: string;
let server: RunningServer;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gantry-client-'));
  const config = loadConfig(serverSettings, {
    env: { GANTRY_LISTEN: '127.0.0.1:0', GANTRY_DATA_DIR: dir, GANTRY_ADMIN_TOKEN: TOKEN, GANTRY_LOG_LEVEL: 'warn' },
    context: { cwd: dir, isTty: false },
  });
  server = await startServer(config, { announce: () => {}, logDestination: new Writable({ write: (_c, _e, done) => done() }) });
});

after(async () => {
  await server.stop('test');
  rmSync(dir, { recursive: true, force: true });
});

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<GantryError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof GantryError, String(err));
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

test('health, create, list, get', async () => {
  const api = createApiClient({ baseUrl: `${server.url}/`, token: TOKEN });
  assert.deepEqual(await api.health(), { status: 'ok' });
  const created = await api.projects.create({ name: 'api-one', repoUrl: 'https://example.com/a.git', secret: 'hush', pollInterval: 60 });
  assert.equal(created.hasSecret, true);
  assert.equal(created.pollIntervalMs, 60_000);
  assert.deepEqual((await api.projects.list()).map((p) => p.name), ['api-one']);
  assert.deepEqual(await api.projects.get('api-one'), created);
});

test("server errors become GantryError with the server's code and details", async () => {
  const api = createApiClient({ baseUrl: server.url, token: TOKEN });
  await rejectsWith(api.projects.get('missing'), 'PROJECT_NOT_FOUND');
  await api.projects.create({ name: 'twice', repoUrl: '/srv/twice.git' });
  await rejectsWith(api.projects.create({ name: 'twice', repoUrl: '/srv/twice.git' }), 'PROJECT_EXISTS');
  const invalid = await rejectsWith(api.projects.create({ name: 'UPPER', repoUrl: '/srv/x.git' }), 'API_INVALID_REQUEST');
  assert.deepEqual((invalid.details?.problems as { field: string }[]).map((p) => p.field), ['name']);
  await rejectsWith(createApiClient({ baseUrl: server.url }).projects.create({ name: 'anon', repoUrl: '/srv/x.git' }), 'AUTH_REQUIRED');
  await rejectsWith(createApiClient({ baseUrl: server.url, token: 'wrong' }).projects.create({ name: 'anon', repoUrl: '/srv/x.git' }), 'AUTH_INVALID_TOKEN');
  assert.deepEqual(await createApiClient({ baseUrl: server.url }).projects.list(), [], 'anonymous callers see only public projects: none here');
});

test('nothing listening → API_UNREACHABLE with a hint', async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const err = await rejectsWith(createApiClient({ baseUrl: `http://127.0.0.1:${port}` }).health(), 'API_UNREACHABLE');
  assert.match(err.message, /ECONNREFUSED/);
  assert.match(String(err.details?.hint), /gantry server/);
});

test('something that is not Gantry → API_BAD_RESPONSE', async () => {
  const other: Server = createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<h1>nginx</h1>');
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  try {
    const err = await rejectsWith(createApiClient({ baseUrl: `http://127.0.0.1:${(other.address() as { port: number }).port}` }).projects.list(), 'API_BAD_RESPONSE');
    assert.match(err.message, /answered 404/);
  } finally {
    other.close();
  }
});

test('runs: trigger, list with filters, get, logs, deliveries (startServer wires mirrors and the run creator)', async () => {
  const origin = createTestOrigin();
  try {
    const pipeline = 'version: 1\non:\n  push: {}\n  manual: { inputs: { level: { default: low, options: [low, high] } } }\n  api: {}\njobs:\n  only:\n    steps: [{ run: "true" }]\n';
    const sha = origin.commit({ '.gantry.yml': pipeline }, { message: 'client test' });
    const api = createApiClient({ baseUrl: server.url, token: TOKEN });
    await api.projects.create({ name: 'runs-one', repoUrl: origin.bare });
    const run = await api.runs.trigger('runs-one', { event: 'manual', inputs: { level: 'high' } });
    assert.deepEqual([run.number, run.sha, run.inputs, run.jobs.map((j) => j.id)], [1, sha, { level: 'high' }, ['only']]);
    await api.runs.trigger('runs-one', {});
    assert.deepEqual((await api.runs.list('runs-one')).runs.map((r) => [r.number, r.event]), [[2, 'api'], [1, 'manual']]);
    // The embedded agent runs them; wait until both are done before reading results.
    for (const n of [1, 2]) {
      const deadline = Date.now() + 15_000;
      while (!['success', 'failure', 'error'].includes((await api.runs.get('runs-one', n)).status)) {
        assert.ok(Date.now() < deadline, `run #${n} did not finish`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    assert.deepEqual((await api.runs.list('runs-one', { event: 'manual', status: ['success'] })).runs.map((r) => r.number), [1]);
    assert.deepEqual((await api.runs.list('runs-one', { status: ['queued', 'running'] })).runs, []);
    const page = await api.runs.list('runs-one', { limit: 1 });
    assert.deepEqual([page.runs.map((r) => r.number), page.nextCursor], [[2], 2]);
    assert.equal((await api.runs.get('runs-one', 1)).message, 'client test');
    const logs = await api.runs.logs('runs-one', 1, 'only', { after: 0 });
    assert.ok(logs.lines.length > 0, 'the job logged at least its checkout');
    assert.deepEqual(logs.lines.map((l) => l.seq), logs.lines.map((_, i) => i + 1), 'seq 1..n in order');
    assert.equal(logs.next, logs.lines.at(-1)!.seq);
    assert.deepEqual(await api.runs.logs('runs-one', 1, 'only', { after: logs.next }), { lines: [], next: logs.next });
    const bad = await rejectsWith(api.runs.trigger('runs-one', { event: 'manual', inputs: { level: 'extreme' } }), 'RUN_BAD_INPUT');
    assert.equal((bad.details?.diagnostics as { code: string }[])[0]?.code, 'PIPELINE_BAD_INPUT');
    await rejectsWith(api.runs.get('runs-one', 3), 'RUN_NOT_FOUND');
    assert.deepEqual(await api.deliveries.list('runs-one'), { deliveries: [], nextCursor: null });
    await rejectsWith(api.deliveries.get('runs-one', 1), 'DELIVERY_NOT_FOUND');
  } finally {
    origin.cleanup();
  }
});

test('update, remove (204 → nothing), jobs, agents and info', async () => {
  const api = createApiClient({ baseUrl: server.url, token: TOKEN });
  await api.projects.create({ name: 'gone', repoUrl: '/srv/gone.git' });
  assert.equal((await api.projects.update('gone', { pollInterval: '1m', settings: { priority: 3 } })).pollIntervalMs, 60_000);
  assert.equal(await api.projects.remove('gone'), undefined);
  await rejectsWith(api.projects.get('gone'), 'PROJECT_NOT_FOUND');
  await rejectsWith(api.jobs.list('gone', 1), 'PROJECT_NOT_FOUND');
  const agents = await api.agents.list();
  assert.ok(agents.some((a) => a.kind === 'embedded'), JSON.stringify(agents));
  assert.equal((await api.agents.pause(agents[0]!.id)).state, 'paused');
  assert.equal((await api.agents.resume(agents[0]!.id)).state, agents[0]!.running.length > 0 ? 'busy' : 'idle');
  assert.equal((await api.server.info()).store, 'sqlite');
});
