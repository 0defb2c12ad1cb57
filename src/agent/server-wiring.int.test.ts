import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { loadConfig, serverSettings } from '../config/index.js';
import { startServer } from '../server/app.js';
import { createSqliteStore } from '../store/sqlite/index.js';
import { createTestOrigin } from '../server/repos/test-origin.js';
import { finished, waitFor } from '../../test/helpers/service-harness.js';

/*
 * The run service and the embedded agent as `gantry server` wires them: a run started through the
 * API runs to success in the embedded agent, and a stop drains, then cancels with the reason.
 */

const TOKEN = 'gantry_wiring-test-token-0123456789';

async function serve(t: test.TestContext, env: Record<string, string> = {}) {
  const origin = createTestOrigin();
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-wiring-'));
  const config = loadConfig(serverSettings, {
    env: { GANTRY_LISTEN: '127.0.0.1:0', GANTRY_LOG_FORMAT: 'json', GANTRY_DATA_DIR: dataDir, GANTRY_ADMIN_TOKEN: TOKEN, ...env },
    context: { cwd: dataDir, isTty: false },
  });
  const server = await startServer(config, { announce: () => undefined, logDestination: new Writable({ write: (_c, _e, done) => done() }) });
  t.after(async () => {
    await server.stop('test over');
    origin.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const project = await server.store.projects.create({ name: 'site', repoUrl: origin.bare, forge: 'generic' });
  const trigger = async () => {
    const response = await server.app.inject({ method: 'POST', url: '/api/v1/projects/site/runs', headers: { authorization: `Bearer ${TOKEN}` }, payload: { event: 'api' } });
    assert.equal(response.statusCode, 201, response.body);
    return (await server.store.runs.getByNumber(project.id, (response.json() as { number: number }).number))!;
  };
  return { server, origin, trigger, dataDir };
}

test('gantry server: a run started through the API runs in the embedded agent to success; /readyz sees the agent', async (t) => {
  const { server, origin, trigger } = await serve(t);
  origin.commit({ 'page.txt': 'hi\n', '.gantry.yml': 'version: 1\non: { api: {} }\njobs:\n  show: { steps: [{ run: cat page.txt }] }\n' });
  const run = await trigger();
  const done = await finished(server.store, run.id);
  assert.equal(done.status, 'success', done.reason ?? '');
  assert.deepEqual((await server.store.logs.read(run.id, 'show')).filter((l) => l.stream === 'stdout').map((l) => l.line), ['hi']);
  const ready = await server.app.inject({ method: 'GET', url: '/readyz' });
  assert.equal(ready.statusCode, 200, ready.body);
});

test('gantry server stop: running jobs get the grace period, then are canceled with the reason recorded', async (t) => {
  const { server, origin, trigger, dataDir } = await serve(t, { GANTRY_SHUTDOWN_GRACE: '300ms' });
  origin.commit({ '.gantry.yml': 'version: 1\non: { api: {} }\njobs:\n  slow: { checkout: false, steps: [{ run: "echo started; sleep 30" }] }\n' });
  const run = await trigger();
  await waitFor('the step to start', async () => (await server.store.logs.read(run.id, 'slow')).some((l) => l.line === 'started'));
  const began = Date.now();
  await server.stop('server shutting down');
  assert.ok(Date.now() - began < 10_000, 'the sleeping step was stopped, not waited for');
  const store = await createSqliteStore({ file: join(dataDir, 'gantry.db') });
  t.after(() => store.close());
  const job = await store.runs.getJob(run.id, 'slow');
  assert.deepEqual([job?.status, job?.reason], ['canceled', 'server shutting down']);
  const finalRun = await store.runs.get(run.id);
  assert.deepEqual([finalRun?.status, finalRun?.reason], ['canceled', 'server shutting down']);
});
