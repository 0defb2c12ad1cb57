// Who may call the API routes of the REST issue: project roles (viewer < developer < maintainer),
// instance admins, and callers with no role in a project. In process, real SQLite store.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { createAgentRegistry } from '../../src/engine/index.js';
import { createHttpApp, type Principal } from '../../src/server/index.js';
import type { Project, ProjectRole, Run } from '../../src/store/index.js';
import { openTempSqliteStore, type TempSqliteStore } from '../../src/store/sqlite/index.js';

let temp: TempSqliteStore;
let app: FastifyInstance;
let project: Project;
let run: Run;
let delivery: number;
const principals = new Map<string, Principal>();

/** A user with `role` in the project (or none), signed in with the bearer credential `name`. */
async function user(name: string, role: ProjectRole | null, admin = false): Promise<void> {
  const created = await temp.store.users.create({ username: name, passwordHash: 'x', admin });
  if (role) await temp.store.members.set(project.id, created.id, role);
  principals.set(name, { kind: 'token', id: `token:${name}`, name, userId: created.id, admin, scope: 'write' });
}

before(async () => {
  temp = await openTempSqliteStore();
  project = await temp.store.projects.create({ name: 'web', repoUrl: '/srv/web.git', forge: 'generic', webhookSecret: 's' });
  run = await temp.store.runs.create({ projectId: project.id, event: { name: 'push', branch: 'main', sha: 'a'.repeat(40) }, trigger: { kind: 'push' } });
  await temp.store.runs.upsertJob({ runId: run.id, jobId: 'build', name: 'build', status: 'queued' });
  delivery = (await temp.store.deliveries.recordOnce({ projectId: project.id, forge: 'generic', deliveryId: 'd', event: 'ping', headers: { 'x-gantry-event': 'ping' }, body: Buffer.from('{}'), outcome: 'ignored' })).delivery.id;
  await user('vera', 'viewer');
  await user('dev', 'developer');
  await user('max', 'maintainer');
  await user('nobody', null);
  await user('root', null, true);
  const agents = createAgentRegistry();
  agents.register({ id: 'a1', name: 'a1', kind: 'embedded', capacity: 1 });
  app = await createHttpApp({
    store: temp.store,
    logger: pino({ level: 'silent' }),
    authenticators: [{ authenticate: async (credential) => principals.get(credential) }],
    readiness: [],
    agents,
    info: { embeddedAgent: true, startedAt: Date.now(), now: () => Date.now() },
    // Cancel without an engine: the run is queued, so it is canceled at once.
    runControl: {
      cancel: async (runId: number) => ({ run: (await temp.store.runs.update(runId, { status: 'canceled' }))!, stopping: false }),
      retry: async () => assert.fail('not called'),
      approve: async () => assert.fail('not called'),
      reject: async () => assert.fail('not called'),
    } as never,
    runs: { repos: {} as never, createRun: async () => ({ created: false, reason: 'not in this test' }) },
  });
});

after(async () => {
  await app.close();
  await temp.cleanup();
});

async function status(who: string, method: string, url: string, payload?: unknown): Promise<number> {
  const res = await app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${who}` }, ...(payload !== undefined && { payload: payload as object }) });
  return res.statusCode;
}

const P = '/api/v1/projects/web';

test('viewers read the project, runs, jobs, logs and deliveries, and may change nothing', async () => {
  for (const url of [P, `${P}/runs`, `${P}/runs/1`, `${P}/runs/1/jobs`, `${P}/runs/1/jobs/build`, `${P}/runs/1/jobs/build/logs/raw`, `${P}/deliveries`, `${P}/deliveries/${delivery}`]) {
    assert.equal(await status('vera', 'GET', url), 200, url);
  }
  assert.equal(await status('vera', 'PATCH', P, { defaultBranch: 'x' }), 403);
  assert.equal(await status('vera', 'POST', `${P}/runs/1/cancel`), 403);
  assert.equal(await status('vera', 'POST', `${P}/deliveries/${delivery}/replay`), 403);
  assert.equal(await status('vera', 'DELETE', P), 403);
});

test('a caller with no role gets 404 for the project (its existence is not revealed) and an empty list', async () => {
  assert.equal(await status('nobody', 'GET', P), 404);
  assert.equal(await status('nobody', 'GET', `${P}/runs/1/jobs/build/logs/raw`), 404);
  assert.equal(await status('nobody', 'PATCH', P, { defaultBranch: 'x' }), 404);
  const list = await app.inject({ url: '/api/v1/projects', headers: { authorization: 'Bearer nobody' } });
  assert.deepEqual(list.json(), { projects: [] });
  const visible = await app.inject({ url: '/api/v1/projects', headers: { authorization: 'Bearer vera' } });
  assert.deepEqual((visible.json() as { projects: { name: string }[] }).projects.map((p) => p.name), ['web']);
});

test('developers trigger and cancel; maintainers change settings and replay; only admins delete and run agents', async () => {
  assert.equal(await status('dev', 'PATCH', P, { defaultBranch: 'x' }), 403);
  assert.equal(await status('dev', 'POST', `${P}/runs/1/cancel`), 200);
  assert.equal(await status('dev', 'POST', `${P}/deliveries/${delivery}/replay`), 403);
  assert.equal(await status('max', 'PATCH', P, { defaultBranch: 'develop' }), 200);
  assert.equal(await status('max', 'POST', `${P}/deliveries/${delivery}/replay`), 200);
  assert.equal(await status('max', 'DELETE', P), 403);
  for (const who of ['vera', 'dev', 'max']) {
    assert.equal(await status(who, 'GET', '/api/v1/agents'), 403, who);
    assert.equal(await status(who, 'POST', '/api/v1/agents/a1/pause'), 403, who);
    assert.equal(await status(who, 'GET', '/api/v1/info'), 200, who);
  }
  assert.equal(await status('root', 'POST', '/api/v1/agents/a1/pause'), 200);
  assert.equal(await status('root', 'DELETE', P), 204);
});
