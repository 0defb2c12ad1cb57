import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { openTempSqliteStore, type TempSqliteStore } from '../../store/sqlite/index.js';
import type { Problem, ProjectView } from '../../api-client/index.js';
import { createTokenAuthenticator, ensureAdminToken } from '../auth/index.js';
import { createHttpApp } from './http-app.js';

const TOKEN = 'gantry_test-admin-token-0123456789';

let temp: TempSqliteStore;
let app: FastifyInstance;
const logLines: string[] = [];

before(async () => {
  temp = await openTempSqliteStore();
  await ensureAdminToken(temp.store.tokens, TOKEN);
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  let id = 0;
  app = await createHttpApp({
    store: temp.store,
    logger: pino({ level: 'debug' }, sink),
    authenticators: [createTokenAuthenticator(temp.store.tokens, () => Date.now(), () => {})],
    readiness: [{ name: 'store', check: () => temp.store.ping() }],
    requestId: () => `req-${++id}`,
    rawBodyRoutes: (hooks) => {
      hooks.post('/echo', { config: { permission: 'public' } }, async (request) => ({
        isBuffer: Buffer.isBuffer(request.body),
        bytes: (request.body as Buffer).toString('latin1'),
      }));
    },
  });
});

after(async () => {
  await app.close();
  await temp.cleanup();
});

const auth = { authorization: `Bearer ${TOKEN}` };

function problem(res: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number, code: string): Problem {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const body = JSON.parse(res.body) as Problem;
  assert.equal(body.status, status);
  assert.equal(body.code, code);
  assert.equal(body.type, `https://gantry.dev/errors#${code}`);
  assert.equal(typeof body.title, 'string');
  assert.equal(typeof body.detail, 'string');
  return body;
}

describe('health', () => {
  test('/healthz and /readyz answer without a token', async () => {
    for (const url of ['/healthz', '/readyz']) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { status: 'ok' });
    }
  });

  test('responses carry the request id', async () => {
    const res = await app.inject({ url: '/healthz' });
    assert.match(String(res.headers['x-request-id']), /^req-\d+$/);
  });
});

describe('auth', () => {
  test('no token → 401 AUTH_REQUIRED with WWW-Authenticate', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/projects', payload: {} });
    problem(res, 401, 'AUTH_REQUIRED');
    assert.equal(res.headers['www-authenticate'], 'Bearer');
  });

  test('wrong token → 401 AUTH_INVALID_TOKEN; malformed header → AUTH_REQUIRED', async () => {
    problem(await app.inject({ method: 'POST', url: '/api/v1/projects', payload: {}, headers: { authorization: 'Bearer gantry_nope' } }), 401, 'AUTH_INVALID_TOKEN');
    problem(await app.inject({ method: 'POST', url: '/api/v1/projects', payload: {}, headers: { authorization: `Basic ${TOKEN}` } }), 401, 'AUTH_REQUIRED');
  });

  test('auth is checked before the body is read', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/projects', payload: '{not json', headers: { 'content-type': 'application/json' } });
    problem(res, 401, 'AUTH_REQUIRED');
  });

  test('the admin token is accepted, in any case of "Bearer"', async () => {
    problem(await app.inject({ url: '/api/v1/projects/nope' }), 401, 'AUTH_REQUIRED');
    problem(await app.inject({ url: '/api/v1/projects/nope', headers: { authorization: `bearer ${TOKEN}` } }), 404, 'PROJECT_NOT_FOUND');
  });

  test('a route without a declared permission fails at start-up', async () => {
    const temp2 = await openTempSqliteStore();
    try {
      await assert.rejects(
        createHttpApp({
          store: temp2.store,
          logger: pino({ level: 'silent' }),
          authenticators: [],
          readiness: [],
          rawBodyRoutes: (hooks) => hooks.post('/open', async () => 'oops'),
        }),
        /declares no permission/,
      );
    } finally {
      await temp2.cleanup();
    }
  });

  test('a principal without the admin role is forbidden (403)', async () => {
    const temp2 = await openTempSqliteStore();
    const weak = await createHttpApp({
      store: temp2.store,
      logger: pino({ level: 'silent' }),
      authenticators: [{ authenticate: async (credential) => (credential === 'reader' ? { kind: 'token' as const, id: 'token:9', name: 'reader', userId: null, admin: false, scope: 'write' as const } : undefined) }],
      readiness: [],
    });
    try {
      problem(await weak.inject({ method: 'POST', url: '/api/v1/projects', headers: { authorization: 'Bearer reader' }, payload: {} }), 403, 'AUTH_FORBIDDEN');
      // Listing is for every signed-in caller, filtered to the projects they may read.
      await temp2.store.projects.create({ name: 'hidden', repoUrl: '/srv/hidden.git', forge: 'generic' });
      const list = await weak.inject({ url: '/api/v1/projects', headers: { authorization: 'Bearer reader' } });
      assert.deepEqual(list.json(), { projects: [] });
    } finally {
      await weak.close();
      await temp2.cleanup();
    }
  });

  test('the Authorization header never reaches the log', () => {
    const all = logLines.join('');
    assert.ok(all.includes('req-'), 'requests were logged with their ids');
    assert.ok(!all.includes(TOKEN), 'token leaked into the log');
  });
});

describe('projects', () => {
  test('create → 201 with the project, secret never echoed', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/projects',
      headers: auth,
      payload: { name: 'web-app', repoUrl: 'git@github.com:acme/web.git', forge: 'github', secret: 's3cr3t-value', pollInterval: '5m', settings: { autoCancel: true, priority: 3 } },
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.headers.location, '/api/v1/projects/web-app');
    assert.ok(!res.body.includes('s3cr3t-value'));
    const project = res.json() as ProjectView;
    assert.deepEqual(
      { ...project, id: 0, createdAt: '', updatedAt: '' },
      {
        id: 0,
        name: 'web-app',
        repoUrl: 'git@github.com:acme/web.git',
        forge: 'github',
        hasSecret: true,
        defaultBranch: 'main',
        pollIntervalMs: 300_000,
        settings: { autoCancel: true, maxConcurrentRuns: null, priority: 3, protectedEnvironments: [], public: false },
        createdAt: '',
        updatedAt: '',
      },
    );
    assert.match(project.createdAt, /^\d{4}-\d\d-\d\dT/);
    const stored = await temp.store.projects.getByName('web-app');
    assert.equal(stored?.webhookSecret, 's3cr3t-value', 'the secret is stored for signature checks');
  });

  test('defaults: forge generic, branch main, no secret, no polling', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/projects', headers: auth, payload: { name: 'local.repo_1', repoUrl: '/srv/git/repo.git' } });
    assert.equal(res.statusCode, 201, res.body);
    const project = res.json() as ProjectView;
    assert.equal(project.forge, 'generic');
    assert.equal(project.defaultBranch, 'main');
    assert.equal(project.hasSecret, false);
    assert.equal(project.pollIntervalMs, null);
  });

  test('every accepted repo URL form', async () => {
    const urls = ['file:///srv/git/a.git', 'https://gitea.example.com/a/b.git', 'http://127.0.0.1:3000/a/b', 'ssh://git@host:2222/a/b.git', 'deploy@host.example:repos/a.git'];
    for (const [i, repoUrl] of urls.entries()) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/projects', headers: auth, payload: { name: `url-${i}`, repoUrl } });
      assert.equal(res.statusCode, 201, `${repoUrl}: ${res.body}`);
    }
  });

  test('duplicate name → 409 PROJECT_EXISTS', async () => {
    const payload = { name: 'dup', repoUrl: '/srv/dup.git' };
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/projects', headers: auth, payload })).statusCode, 201);
    const body = problem(await app.inject({ method: 'POST', url: '/api/v1/projects', headers: auth, payload }), 409, 'PROJECT_EXISTS');
    assert.match(body.detail, /"dup" already exists/);
  });

  test('invalid input → 400 naming each field', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/projects',
      headers: auth,
      payload: { name: 'Bad Name', repoUrl: '--upload-pack=touch /tmp/x', forge: 'svn', pollInterval: 'often', extra: 1 },
    });
    const body = problem(res, 400, 'API_INVALID_REQUEST');
    const fields = (body.problems ?? []).map((p) => p.field).sort();
    assert.deepEqual(fields, ['(body)', 'forge', 'name', 'pollInterval', 'repoUrl']);
    assert.match(body.detail, /repoUrl: must not (start with "-"|contain whitespace)/);
  });

  test('rejected repo URLs', async () => {
    for (const repoUrl of ['ext::sh -c touch% /tmp/pwned', 'relative/path', 'ftp://host/repo', '-oProxyCommand=x', 'https://', 'a b']) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/projects', headers: auth, payload: { name: 'x', repoUrl } });
      const body = problem(res, 400, 'API_INVALID_REQUEST');
      assert.deepEqual(body.problems?.map((p) => p.field), ['repoUrl'], repoUrl);
    }
  });

  test('malformed JSON → 400 problem', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/projects', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"name":' });
    problem(res, 400, 'API_INVALID_REQUEST');
  });

  test('list and get', async () => {
    const list = await app.inject({ url: '/api/v1/projects', headers: auth });
    assert.equal(list.statusCode, 200);
    const names = (list.json() as { projects: ProjectView[] }).projects.map((p) => p.name);
    assert.ok(names.includes('web-app') && names.includes('dup'));
    assert.deepEqual(names, [...names].sort(), 'ordered by name');
    assert.ok(!list.body.includes('s3cr3t-value'));
    const one = await app.inject({ url: '/api/v1/projects/web-app', headers: auth });
    assert.equal(one.statusCode, 200);
    assert.equal((one.json() as ProjectView).repoUrl, 'git@github.com:acme/web.git');
  });

  test('unknown project → 404 PROJECT_NOT_FOUND; unknown route → 404 API_NOT_FOUND', async () => {
    problem(await app.inject({ url: '/api/v1/projects/nope', headers: auth }), 404, 'PROJECT_NOT_FOUND');
    problem(await app.inject({ url: '/api/v1/nothing-here', headers: auth }), 404, 'API_NOT_FOUND');
  });
});

describe('raw-body scope', () => {
  test('routes under /hooks get the exact bytes, whatever the content type', async () => {
    const payload = '{"a":  1,\n "b": "\u00e9"}';
    for (const type of ['application/json', 'application/x-www-form-urlencoded', 'text/plain']) {
      const res = await app.inject({ method: 'POST', url: '/hooks/echo', headers: { 'content-type': type }, payload: Buffer.from(payload, 'utf8') });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { isBuffer: true, bytes: Buffer.from(payload, 'utf8').toString('latin1') });
    }
  });
});

describe('readiness', () => {
  test('/readyz answers 503 with a problem when the store is closed', async () => {
    const temp2 = await openTempSqliteStore();
    const app2 = await createHttpApp({ store: temp2.store, logger: pino({ level: 'silent' }), authenticators: [], readiness: [{ name: 'store', check: () => temp2.store.ping() }] });
    try {
      await temp2.store.close();
      problem(await app2.inject({ url: '/readyz' }), 503, 'STORE_UNAVAILABLE');
      assert.equal((await app2.inject({ url: '/healthz' })).statusCode, 200, 'the process is still up');
    } finally {
      await app2.close();
      await temp2.cleanup();
    }
  });
});
