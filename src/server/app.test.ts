import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import { loadConfig, serverSettings } from '../config/index.js';
import { GantryError } from '../core/index.js';
import { createApiClient } from '../api-client/index.js';
import { createSqliteStore } from '../store/sqlite/index.js';
import { startServer } from './app.js';
import { createTestOrigin } from './repos/test-origin.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-server-'));
  dirs.push(dir);
  return dir;
}

function config(env: Record<string, string>) {
  return loadConfig(serverSettings, { env: { GANTRY_LISTEN: '127.0.0.1:0', GANTRY_LOG_FORMAT: 'json', ...env }, context: { cwd: tempDir(), isTty: false } });
}

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(chunk, _encoding, done) {
        chunks.push(String(chunk));
        done();
      },
    }),
    text: () => chunks.join(''),
  };
}

test('starts on a free port, announces the URL and a generated token once, and stops cleanly', async () => {
  const dataDir = join(tempDir(), 'nested', 'data');
  const lines: string[] = [];
  const logs = sink();
  const server = await startServer(config({ GANTRY_DATA_DIR: dataDir }), { announce: (line) => lines.push(line), logDestination: logs.stream });
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.notEqual(server.url, 'http://127.0.0.1:0');
  assert.ok(lines.includes(`gantry server listening on ${server.url}`), lines.join('\n'));
  const token = lines.map((line) => /^\s+(gantry_\S+)$/.exec(line)?.[1]).find(Boolean);
  assert.ok(token, 'a generated token was announced');

  const ok = await fetch(`${server.url}/api/v1/projects`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { projects: [] });
  await server.stop('test');
  await server.stop('test again'); // idempotent
  await assert.rejects(fetch(`${server.url}/healthz`), 'no longer listening');

  const log = logs.text();
  assert.ok(!log.includes(token!), 'the token never reaches the log');
  const records = log.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.ok(records.some((r) => typeof r.requestId === 'string' && (r.req as { url?: string } | undefined)?.url === '/api/v1/projects'), 'requests are logged with their id');

  // The second start with the same data dir keeps the token and prints none.
  const again: string[] = [];
  const second = await startServer(config({ GANTRY_DATA_DIR: dataDir }), { announce: (line) => again.push(line), logDestination: sink().stream });
  try {
    assert.equal(again.filter((line) => line.includes('gantry_')).length, 0);
    assert.equal((await fetch(`${second.url}/api/v1/projects`, { headers: { authorization: `Bearer ${token}` } })).status, 200);
  } finally {
    await second.stop('test');
  }
});

test('stop closes the store: the database opens again with what was written', async () => {
  const dataDir = tempDir();
  const server = await startServer(config({ GANTRY_DATA_DIR: dataDir, GANTRY_ADMIN_TOKEN: 'an-admin-token-for-tests' }), { announce: () => {}, logDestination: sink().stream });
  const res = await fetch(`${server.url}/api/v1/projects`, {
    method: 'POST',
    headers: { authorization: 'Bearer an-admin-token-for-tests', 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'kept', repoUrl: '/srv/kept.git' }),
  });
  assert.equal(res.status, 201);
  await server.stop('test');
  await assert.rejects(server.store.ping(), (err: unknown) => err instanceof GantryError && err.code === 'STORE_UNAVAILABLE');
  const store = await createSqliteStore({ file: join(dataDir, 'gantry.db') });
  try {
    assert.equal((await store.projects.getByName('kept'))?.repoUrl, '/srv/kept.git');
  } finally {
    await store.close();
  }
});

test('a taken port is SERVER_START_FAILED naming the address, and the store is closed again', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  const dataDir = tempDir();
  try {
    await assert.rejects(
      startServer(config({ GANTRY_DATA_DIR: dataDir, GANTRY_LISTEN: `127.0.0.1:${port}` }), { announce: () => {}, logDestination: sink().stream }),
      (err: unknown) => err instanceof GantryError && err.code === 'SERVER_START_FAILED' && err.message.includes(`127.0.0.1:${port}`),
    );
    // Closed: another process (here, another store) can open and write it.
    const store = await createSqliteStore({ file: join(dataDir, 'gantry.db') });
    await store.projects.create({ name: 'p', repoUrl: '/x', forge: 'generic' });
    await store.close();
  } finally {
    blocker.close();
  }
});

test('a data dir that cannot be created is SERVER_START_FAILED', async () => {
  const file = join(tempDir(), 'a-file');
  writeFileSync(file, '');
  await assert.rejects(
    startServer(config({ GANTRY_DATA_DIR: join(file, 'data') }), { announce: () => {}, logDestination: sink().stream }),
    (err: unknown) => err instanceof GantryError && err.code === 'SERVER_START_FAILED' && /data directory/.test(err.message),
  );
});

test('pretty logs are readable lines, not JSON', async () => {
  const logs = sink();
  const server = await startServer(config({ GANTRY_DATA_DIR: tempDir(), GANTRY_LOG_FORMAT: 'pretty', GANTRY_ADMIN_TOKEN: 'an-admin-token-for-tests' }), {
    announce: () => {},
    logDestination: logs.stream,
  });
  await server.stop('test');
  assert.match(logs.text(), /INFO.*gantry server started/);
  assert.throws(() => JSON.parse(logs.text().split('\n')[0]!));
});

test('a tcp:// container engine without TLS starts with a warning that says so; a cert dir with a unix socket refuses to start', async () => {
  const logs = sink();
  // Port 1: nothing answers, so removing leftovers fails too (a warning, not a refusal to start).
  const server = await startServer(config({ GANTRY_DATA_DIR: tempDir(), GANTRY_DOCKER_HOST: 'tcp://127.0.0.1:1' }), { announce: () => {}, logDestination: logs.stream });
  await server.stop('test');
  const warnings = logs.text().trim().split('\n').map((line) => JSON.parse(line) as { level: number; msg: string; dockerHost?: string }).filter((r) => r.level === 40);
  assert.ok(warnings.some((w) => /plain HTTP/.test(w.msg) && w.dockerHost === 'tcp://127.0.0.1:1'), JSON.stringify(warnings));

  await assert.rejects(
    startServer(config({ GANTRY_DATA_DIR: tempDir(), GANTRY_DOCKER_HOST: 'unix:///run/podman/podman.sock', GANTRY_DOCKER_CERT_PATH: tempDir() }), { announce: () => {}, logDestination: sink().stream }),
    (err: unknown) => err instanceof GantryError && /apply to tcp:\/\/ addresses/.test(err.message),
  );
});

test('/readyz answers 503 while run records wait for a store that refuses writes for now (a full disk), 200 once they are stored', async (t) => {
  const origin = createTestOrigin();
  t.after(() => origin.cleanup());
  origin.commit({ '.gantry.yml': 'version: 1\non: { api: {} }\njobs:\n  a:\n    checkout: false\n    steps: [{ run: "true" }]\n' });
  let refusing = false;
  const server = await startServer(config({ GANTRY_DATA_DIR: tempDir(), GANTRY_ADMIN_TOKEN: 'an-admin-token-for-tests' }), {
    announce: () => {},
    logDestination: sink().stream,
    // The real store, except that run records are refused as a full disk refuses them, while `refusing`.
    openStore: async (file, clock) => {
      const store = await createSqliteStore({ file, clock });
      const applyWrites = store.runs.applyWrites.bind(store.runs);
      store.runs.applyWrites = (writes) => (refusing ? Promise.reject(new GantryError('STORE_UNAVAILABLE', 'runs.applyWrites: database or disk is full')) : applyWrites(writes));
      return store;
    },
  });
  t.after(() => server.stop('test'));
  const api = createApiClient({ baseUrl: server.url, token: 'an-admin-token-for-tests' });
  await api.projects.create({ name: 'p', repoUrl: origin.bare });
  assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
  refusing = true;
  const run = await api.runs.trigger('p', {});
  let answer: Response;
  for (const deadline = Date.now() + 20_000; (answer = await fetch(`${server.url}/readyz`)).status !== 503; await new Promise((r) => setTimeout(r, 50))) {
    assert.ok(Date.now() < deadline, '/readyz never reported the refused writes');
  }
  assert.match(((await answer.json()) as { detail: string }).detail, /^the store refuses writes for now, run records wait in memory: .*disk is full$/);
  refusing = false;
  for (const deadline = Date.now() + 20_000; (await api.runs.get('p', run.number)).status !== 'success'; await new Promise((r) => setTimeout(r, 50))) {
    assert.ok(Date.now() < deadline, 'the run did not end once the store took writes again');
  }
  assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
});
