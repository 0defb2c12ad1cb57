// The secrets API in-process (real HTTP app, real SQLite file): values are write-only, scopes and
// permissions hold, names are checked, and no answer, error or log line carries a value. Webhook
// secrets are sealed in the database.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import type { Problem, SecretList, SecretView } from '../../src/api-client/index.js';
import { createHttpApp, createTokenAuthenticator, generateToken, hashToken } from '../../src/server/index.js';
import { SecretBox, sealStore } from '../../src/server/secrets/index.js';
import type { Project, ProjectRole, Store } from '../../src/store/index.js';
import { openTempSqliteStore, type TempSqliteStore } from '../../src/store/sqlite/index.js';

const VALUE = `s3cr3t-${randomBytes(6).toString('hex')}`;
const OTHER = `other-${randomBytes(6).toString('hex')}`;

let temp: TempSqliteStore;
let store: Store;
let app: FastifyInstance;
let logged = '';
const answers: string[] = [];
let alpha: Project;
const tokens: Record<string, string> = {};

async function user(name: string, options: { admin?: boolean; role?: ProjectRole; project?: Project } = {}): Promise<void> {
  const created = await store.users.create({ username: name, passwordHash: 'unused', admin: options.admin === true });
  if (options.role) await store.members.set((options.project ?? alpha).id, created.id, options.role);
  const token = generateToken();
  await store.tokens.create({ name, hash: hashToken(token), userId: created.id, scope: 'write', expiresAt: null });
  tokens[name] = token;
}

async function call(who: string, method: 'GET' | 'PUT' | 'DELETE' | 'POST', url: string, payload?: unknown): Promise<LightMyRequestResponse> {
  const res = await app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${tokens[who]}`, ...(typeof payload === 'string' && { 'content-type': 'application/json' }) },
    ...(payload !== undefined && { payload: payload as string }),
  });
  answers.push(res.body);
  return res;
}

const code = (res: LightMyRequestResponse) => res.json<Problem>().code;

before(async () => {
  temp = await openTempSqliteStore();
  const box = new SecretBox({ current: randomBytes(32), previous: [] });
  store = await sealStore(temp.store, box);
  const sink = new Writable({ write: (chunk, _enc, done) => ((logged += String(chunk)), done()) });
  app = await createHttpApp({
    store,
    logger: pino({ level: 'trace' }, sink),
    authenticators: [createTokenAuthenticator(store.tokens, () => Date.now(), () => {})],
    readiness: [],
    secrets: box,
  });
  alpha = await store.projects.create({ name: 'alpha', repoUrl: '/nowhere/alpha.git', forge: 'generic' });
  const beta = await store.projects.create({ name: 'beta', repoUrl: '/nowhere/beta.git', forge: 'generic' });
  await user('root', { admin: true });
  await user('maintainer', { role: 'maintainer' });
  await user('developer', { role: 'developer' });
  await user('stranger', { role: 'maintainer', project: beta });
});

after(async () => {
  await app.close();
  await temp.cleanup();
});

describe('secrets API', () => {
  test('instance secrets (admin): PUT creates (201) then replaces (200), GET lists names only, DELETE removes', async () => {
    const created = await call('root', 'PUT', '/api/v1/secrets/DEPLOY_TOKEN', { value: VALUE });
    assert.equal(created.statusCode, 201, created.body);
    const view = created.json<SecretView>();
    assert.deepEqual([view.name, view.scope, view.project], ['DEPLOY_TOKEN', 'instance', null]);
    assert.deepEqual(Object.keys(view).sort(), ['createdAt', 'name', 'project', 'scope', 'updatedAt']);
    assert.equal((await call('root', 'PUT', '/api/v1/secrets/DEPLOY_TOKEN', { value: OTHER })).statusCode, 200);
    const list = await call('root', 'GET', '/api/v1/secrets');
    assert.deepEqual(list.json<SecretList>().secrets.map((s) => s.name), ['DEPLOY_TOKEN']);
    assert.equal((await call('root', 'DELETE', '/api/v1/secrets/DEPLOY_TOKEN')).statusCode, 204);
    const again = await call('root', 'DELETE', '/api/v1/secrets/DEPLOY_TOKEN');
    assert.deepEqual([again.statusCode, code(again)], [404, 'SECRET_NOT_FOUND']);
  });

  test('project secrets need project:manage: maintainer yes; developer 403; a maintainer of another project 404; instance scope 403', async () => {
    assert.equal((await call('maintainer', 'PUT', '/api/v1/projects/alpha/secrets/API_KEY', { value: VALUE })).statusCode, 201);
    const listed = await call('maintainer', 'GET', '/api/v1/projects/alpha/secrets');
    assert.deepEqual(listed.json<SecretList>().secrets.map((s) => [s.name, s.scope, s.project]), [['API_KEY', 'project', 'alpha']]);
    for (const [method, payload] of [['PUT', { value: OTHER }], ['GET', undefined], ['DELETE', undefined]] as const) {
      const url = method === 'GET' ? '/api/v1/projects/alpha/secrets' : '/api/v1/projects/alpha/secrets/API_KEY';
      const dev = await call('developer', method, url, payload);
      assert.deepEqual([dev.statusCode, code(dev)], [403, 'AUTH_FORBIDDEN'], `developer ${method}`);
      const stranger = await call('stranger', method, url, payload);
      assert.deepEqual([stranger.statusCode, code(stranger)], [404, 'PROJECT_NOT_FOUND'], `stranger ${method}`);
    }
    const instance = await call('maintainer', 'PUT', '/api/v1/secrets/API_KEY', { value: OTHER });
    assert.deepEqual([instance.statusCode, code(instance)], [403, 'AUTH_FORBIDDEN']);
    assert.equal((await call('root', 'GET', '/api/v1/secrets')).json<SecretList>().secrets.length, 0, 'a project secret is not an instance one');
    assert.equal((await call('maintainer', 'DELETE', '/api/v1/projects/alpha/secrets/API_KEY')).statusCode, 204);
  });

  test('names are checked (A-Z 0-9 _, not GANTRY_*); empty and oversized values are refused; no error echoes the value', async () => {
    for (const name of ['lower', '9LIVES', 'GANTRY_TOKEN', 'WITH-DASH']) {
      const res = await call('root', 'PUT', `/api/v1/secrets/${name}`, { value: VALUE });
      assert.deepEqual([res.statusCode, code(res)], [400, 'API_INVALID_REQUEST'], name);
    }
    // Longer than Fastify's path parameter limit (100): refused before validation.
    assert.ok((await call('root', 'PUT', `/api/v1/secrets/${'A'.repeat(101)}`, { value: VALUE })).statusCode >= 400);
    const empty = await call('root', 'PUT', '/api/v1/secrets/EMPTY', { value: '' });
    assert.deepEqual([empty.statusCode, code(empty)], [400, 'API_INVALID_REQUEST']);
    const big = await call('root', 'PUT', '/api/v1/secrets/BIG', { value: VALUE + 'x'.repeat(70_000) });
    assert.deepEqual([big.statusCode, code(big)], [400, 'API_INVALID_REQUEST']);
    const extra = await call('root', 'PUT', '/api/v1/secrets/EXTRA', { value: VALUE, note: VALUE });
    assert.equal(extra.statusCode, 400);
    const broken = await call('root', 'PUT', '/api/v1/secrets/BROKEN', `{"value": ${VALUE}`);
    assert.deepEqual([broken.statusCode, code(broken)], [400, 'API_INVALID_REQUEST']);
    const notString = await call('root', 'PUT', '/api/v1/secrets/NUM', { value: 12345678 });
    assert.equal(notString.statusCode, 400);
  });

  test('the database holds only ciphertext: secrets and webhook secrets are sealed; the API says hasSecret only', async () => {
    await call('root', 'PUT', '/api/v1/secrets/AT_REST', { value: VALUE });
    const created = await call('root', 'POST', '/api/v1/projects', { name: 'hooked', repoUrl: '/nowhere/hooked.git', forge: 'github', secret: OTHER });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json<{ hasSecret: boolean }>().hasSecret, true);
    const raw = temp.store;
    const [row] = await raw.secrets.getMany({ kind: 'instance' }, ['AT_REST']);
    assert.match(row!.sealed, /^gsk1:/);
    const hooked = await raw.projects.getByName('hooked');
    assert.match(hooked!.webhookSecret!, /^gsk1:/, 'stored sealed');
    assert.equal((await store.projects.getByName('hooked'))!.webhookSecret, OTHER, 'the server sees the plain secret');
    for (const file of [temp.file, `${temp.file}-wal`]) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        continue;
      }
      assert.ok(!bytes.includes(VALUE) && !bytes.includes(OTHER), `no plain value in ${file}`);
    }
  });

  test('a key that is not the one values were sealed with: start-up warns by name, webhook secrets read as none (fail closed)', async () => {
    const warnings: string[] = [];
    const other = await sealStore(temp.store, new SecretBox({ current: randomBytes(32), previous: [] }), (m) => warnings.push(m));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /stored secret\(s\) were sealed with a key that is not configured \(.*\): secret\/instance\/AT_REST.*webhook\/project:hooked/);
    assert.ok(!warnings[0]!.includes(VALUE) && !warnings[0]!.includes(OTHER));
    assert.equal((await other.projects.getByName('hooked'))!.webhookSecret, null, 'no secret: its webhooks are rejected');
    assert.equal((await other.projects.getByName('alpha'))!.name, 'alpha', 'the project itself still reads');
  });

  test('no answer and no log line (level trace) carried a value', () => {
    assert.ok(answers.length > 20);
    for (const body of answers) {
      assert.ok(!body.includes(VALUE) && !body.includes(OTHER), `answer leaks a value: ${body.slice(0, 200)}`);
    }
    assert.ok(logged.includes('secret set'), 'the log did record the requests');
    assert.ok(!logged.includes(VALUE) && !logged.includes(OTHER), 'log leaks a value');
  });
});
