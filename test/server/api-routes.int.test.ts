// The API routes of the REST issue, in process (app.inject) against a real SQLite store, real git
// mirrors of a real origin repository and the real run creator; the raw log download also over a
// real socket.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { systemClock } from '../../src/core/index.js';
import { createAgentRegistry } from '../../src/engine/index.js';
import { createHttpApp, createTokenAuthenticator, ensureAdminToken } from '../../src/server/index.js';
import { createRepoMirrors, type RepoMirrors } from '../../src/server/repos/index.js';
import { createTestOrigin, type TestOrigin } from '../../src/server/repos/test-origin.js';
import { createRunFromEvent } from '../../src/server/runs/index.js';
import type { Project, Run } from '../../src/store/index.js';
import { openTempSqliteStore, type TempSqliteStore } from '../../src/store/sqlite/index.js';
import { genericDelivery, ZERO_SHA } from '../../src/triggers/index.js';
import type { AgentView, DeliveryDetailView, DeliveryView, JobView, ProjectView, ReplayAnswer } from '../../src/api-client/index.js';
import { PIPELINE, TOKEN, auth } from './helpers/harness.js';

let origin: TestOrigin;
let temp: TempSqliteStore;
let repos: RepoMirrors;
let app: FastifyInstance;
let main: string;
const agents = createAgentRegistry();
const removedMirrors: number[] = [];

before(async () => {
  origin = createTestOrigin();
  main = origin.commit({ '.gantry.yml': PIPELINE }, { message: 'first' });
  temp = await openTempSqliteStore();
  await ensureAdminToken(temp.store.tokens, TOKEN);
  repos = createRepoMirrors({ dataDir: join(origin.scratch, 'data'), clock: systemClock });
  agents.register({ id: 'embedded@test', name: 'embedded', kind: 'embedded', capacity: 2, labels: ['local'] });
  app = await createHttpApp({
    store: temp.store,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    authenticators: [createTokenAuthenticator(temp.store.tokens, () => Date.now(), () => {})],
    readiness: [],
    runs: { repos, createRun: createRunFromEvent({ store: temp.store, repos, clock: systemClock }) },
    agents,
    info: { embeddedAgent: true, startedAt: Date.now() - 5000, now: () => Date.now() },
    projectFiles: {
      remove: async (project) => {
        removedMirrors.push(project.id);
        await repos.remove(project);
      },
    },
  });
});

after(async () => {
  await app.close();
  await repos.close();
  await temp.cleanup();
  origin.cleanup();
});

const store = () => temp.store;
let names = 0;
async function project(settings: { secret?: string } = {}): Promise<Project> {
  return store().projects.create({ name: `p${++names}`, repoUrl: origin.bare, forge: 'generic', webhookSecret: settings.secret ?? 'hook-secret' });
}

/** A finished run with one job of two steps and `lines` log lines, written as the engine would. */
async function finishedRun(p: Project, lines = 3): Promise<Run> {
  const run = await store().runs.create({ projectId: p.id, event: { name: 'push', branch: 'main', sha: main }, trigger: { kind: 'push' } });
  await store().runs.upsertJob({ runId: run.id, jobId: 'build', name: 'build', status: 'success', attempt: 1 });
  await store().runs.upsertStep({ runId: run.id, jobId: 'build', step: 0, name: 'echo build', status: 'success', exitCode: 0 });
  await store().runs.upsertStep({ runId: run.id, jobId: 'build', step: 1, name: 'echo more', status: 'success', exitCode: 0 });
  const log = Array.from({ length: lines }, (_, i) => ({ runId: run.id, jobId: 'build', step: 0, seq: i + 1, stream: 'stdout' as const, line: `line ${i + 1}`, ts: Date.now() }));
  for (let i = 0; i < log.length; i += 1000) await store().logs.append(log.slice(i, i + 1000));
  return (await store().runs.update(run.id, { status: 'success' }))!;
}

function problemCode(res: { statusCode: number; body: string }, status: number): string {
  assert.equal(res.statusCode, status, res.body);
  return (JSON.parse(res.body) as { code: string }).code;
}

describe('projects', () => {
  test('PATCH changes only the fields given; null clears; the secret is never echoed', async () => {
    const p = await project();
    const res = await app.inject({
      method: 'PATCH',
      url: `/api/v1/projects/${p.name}`,
      headers: auth,
      payload: { defaultBranch: 'develop', pollInterval: '5m', webhookSecret: null, settings: { autoCancel: true, priority: 7 } },
    });
    assert.equal(res.statusCode, 200, res.body);
    const view = res.json<ProjectView>();
    assert.equal(view.defaultBranch, 'develop');
    assert.equal(view.pollIntervalMs, 300_000);
    assert.equal(view.hasSecret, false);
    assert.equal(view.settings.autoCancel, true);
    assert.equal(view.settings.priority, 7);
    assert.equal(view.repoUrl, origin.bare, 'fields not given keep their value');
    assert.doesNotMatch(res.body, /hook-secret/);
    const stored = await store().projects.getById(p.id);
    assert.equal(stored?.webhookSecret, null);
    assert.equal(stored?.settings.maxConcurrentRuns, null);

    const again = await app.inject({ method: 'PATCH', url: `/api/v1/projects/${p.name}`, headers: auth, payload: { webhookSecret: 'new-secret', pollInterval: null } });
    assert.equal(again.json<ProjectView>().hasSecret, true);
    assert.equal(again.json<ProjectView>().pollIntervalMs, null);
    assert.equal((await store().projects.getById(p.id))?.webhookSecret, 'new-secret');
  });

  test('PATCH rejects unknown fields, a bad repo URL and a rename; a missing project is 404', async () => {
    const p = await project();
    const bad = await app.inject({ method: 'PATCH', url: `/api/v1/projects/${p.name}`, headers: auth, payload: { repoUrl: '-uevil', name: 'other' } });
    assert.equal(problemCode(bad, 400), 'API_INVALID_REQUEST');
    assert.match(bad.body, /repoUrl/);
    assert.equal((await store().projects.getById(p.id))?.repoUrl, origin.bare);
    const missing = await app.inject({ method: 'PATCH', url: '/api/v1/projects/nope', headers: auth, payload: { defaultBranch: 'x' } });
    assert.equal(problemCode(missing, 404), 'PROJECT_NOT_FOUND');
  });

  test('DELETE refuses while a run is active, then deletes runs, logs, deliveries and the mirror', async () => {
    const p = await project();
    await repos.sync(p);
    assert.ok(existsSync(repos.mirrorPath(p)));
    const done = await finishedRun(p);
    await store().deliveries.recordOnce({ projectId: p.id, forge: 'generic', deliveryId: 'd1', event: 'push', headers: {}, body: Buffer.from('{}'), outcome: 'accepted', runId: done.id });
    const active = await store().runs.create({ projectId: p.id, event: { name: 'api', branch: 'main', sha: main }, trigger: { kind: 'api' } });
    const busy = await app.inject({ method: 'DELETE', url: `/api/v1/projects/${p.name}`, headers: auth });
    assert.equal(problemCode(busy, 409), 'PROJECT_HAS_ACTIVE_RUNS');
    assert.ok(await store().projects.getById(p.id), 'nothing deleted');

    await store().runs.update(active.id, { status: 'canceled' });
    const res = await app.inject({ method: 'DELETE', url: `/api/v1/projects/${p.name}`, headers: auth });
    assert.equal(res.statusCode, 204, res.body);
    assert.equal(await store().projects.getById(p.id), undefined);
    assert.equal(await store().runs.get(done.id), undefined);
    assert.deepEqual(await store().logs.read(done.id, 'build'), []);
    assert.deepEqual(await store().deliveries.listByProject(p.id), []);
    assert.deepEqual(removedMirrors.slice(-1), [p.id]);
    assert.equal(existsSync(repos.mirrorPath(p)), false);
    assert.equal(problemCode(await app.inject({ url: `/api/v1/projects/${p.name}`, headers: auth }), 404), 'PROJECT_NOT_FOUND');
  });

  test('without a token: the list holds only public projects, and a project route does not reveal whether it exists', async () => {
    const p = await project();
    const listed = await app.inject({ url: '/api/v1/projects' });
    assert.equal(listed.statusCode, 200);
    assert.ok(!(listed.json() as { projects: { name: string }[] }).projects.some((x) => x.name === p.name), 'a private project is not listed');
    assert.equal(problemCode(await app.inject({ url: `/api/v1/projects/${p.name}` }), 401), 'AUTH_REQUIRED');
    assert.equal(problemCode(await app.inject({ method: 'DELETE', url: `/api/v1/projects/${p.name}` }), 401), 'AUTH_REQUIRED');
    assert.equal(problemCode(await app.inject({ method: 'PATCH', url: `/api/v1/projects/${p.name}`, payload: {} }), 401), 'AUTH_REQUIRED');
  });
});

describe('runs list', () => {
  test('cursor pages are stable under inserts: no run twice, none skipped; filters combine', async () => {
    const p = await project();
    for (let i = 0; i < 5; i++) await finishedRun(p, 0);
    const page = async (query: string) => (await app.inject({ url: `/api/v1/projects/${p.name}/runs?${query}`, headers: auth })).json<{ runs: { number: number }[]; nextCursor: number | null }>();
    const first = await page('limit=2');
    assert.deepEqual([first.runs.map((r) => r.number), first.nextCursor], [[5, 4], 4]);
    // Runs created while paging land above the cursor: the next pages go on where the first ended.
    for (let i = 0; i < 3; i++) await finishedRun(p, 0);
    const second = await page(`limit=2&before=${first.nextCursor}`);
    const third = await page(`limit=2&before=${second.nextCursor}`);
    assert.deepEqual([second.runs.map((r) => r.number), third.runs.map((r) => r.number), third.nextCursor], [[3, 2], [1], null]);
    await store().runs.create({ projectId: p.id, event: { name: 'tag', tag: 'v1', sha: main }, trigger: { kind: 'tag' } });
    const tags = await page('event=tag&status=queued');
    assert.deepEqual(tags.runs.map((r) => r.number), [9]);
    assert.deepEqual((await page('event=push&status=queued')).runs, []);
  });
});

describe('jobs', () => {
  test('list and one job, with steps; an unknown job is RUN_JOB_NOT_FOUND', async () => {
    const p = await project();
    const run = await finishedRun(p);
    const list = await app.inject({ url: `/api/v1/projects/${p.name}/runs/${run.number}/jobs`, headers: auth });
    assert.equal(list.statusCode, 200, list.body);
    const jobs = list.json<{ jobs: JobView[] }>().jobs;
    assert.deepEqual(jobs.map((j) => [j.id, j.status, j.steps.map((s) => s.name)]), [['build', 'success', ['echo build', 'echo more']]]);
    const one = await app.inject({ url: `/api/v1/projects/${p.name}/runs/${run.number}/jobs/build`, headers: auth });
    assert.deepEqual(one.json<JobView>(), jobs[0]);
    assert.equal(problemCode(await app.inject({ url: `/api/v1/projects/${p.name}/runs/${run.number}/jobs/nope`, headers: auth }), 404), 'RUN_JOB_NOT_FOUND');
    assert.equal(problemCode(await app.inject({ url: `/api/v1/projects/${p.name}/runs/99/jobs`, headers: auth }), 404), 'RUN_NOT_FOUND');
  });
});

describe('raw log download', () => {
  test('text/plain attachment with every line in order, across store pages', async () => {
    const p = await project();
    const run = await finishedRun(p, 2500);
    const res = await app.inject({ url: `/api/v1/projects/${p.name}/runs/${run.number}/jobs/build/logs/raw`, headers: auth });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain; charset=utf-8/);
    assert.equal(res.headers['content-disposition'], `attachment; filename="${p.name}-${run.number}-build.log"`);
    const lines = res.body.split('\n');
    assert.equal(lines.length, 2501);
    assert.equal(lines[0], 'line 1');
    assert.equal(lines[1234], 'line 1235');
    assert.equal(lines[2499], 'line 2500');
    assert.equal(lines[2500], '');
  });

  test('unknown job → 404 problem; a job with no lines yet → empty body', async () => {
    const p = await project();
    const run = await finishedRun(p, 0);
    assert.equal(problemCode(await app.inject({ url: `/api/v1/projects/${p.name}/runs/${run.number}/jobs/other/logs/raw`, headers: auth }), 404), 'RUN_JOB_NOT_FOUND');
    const empty = await app.inject({ url: `/api/v1/projects/${p.name}/runs/${run.number}/jobs/build/logs/raw`, headers: auth });
    assert.equal(empty.statusCode, 200);
    assert.equal(empty.body, '');
  });

  test('over a real socket: streamed (chunked, no Content-Length), byte for byte', async () => {
    const p = await project();
    const run = await finishedRun(p, 3000);
    const server = await createHttpApp({
      store: temp.store,
      logger: pino({ level: 'silent' }),
      authenticators: [createTokenAuthenticator(temp.store.tokens, () => Date.now(), () => {})],
      readiness: [],
    });
    try {
      const url = await server.listen({ host: '127.0.0.1', port: 0 });
      const res = await fetch(`${url}/api/v1/projects/${p.name}/runs/${run.number}/jobs/build/logs/raw`, { headers: auth });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('transfer-encoding'), 'chunked');
      assert.equal(res.headers.get('content-length'), null);
      const text = await res.text();
      const expected = Array.from({ length: 3000 }, (_, i) => `line ${i + 1}\n`).join('');
      assert.equal(text, expected);
    } finally {
      await server.close();
    }
  });
});

describe('deliveries: replay', () => {
  async function deliver(p: Project, id: string): Promise<{ run: number | null; delivery: number }> {
    const { body, headers } = genericDelivery({ ref: 'refs/heads/main', before: ZERO_SHA, after: main }, 'hook-secret', id);
    const res = await app.inject({ method: 'POST', url: `/hooks/generic/${p.name}`, headers, payload: body });
    assert.ok(res.statusCode < 300, res.body);
    return res.json();
  }

  test('a replay of a delivery that made a run makes a NEW run and a new delivery linked to the original', async () => {
    const p = await project();
    const first = await deliver(p, 'd-1');
    assert.equal(first.run, 1);
    const res = await app.inject({ method: 'POST', url: `/api/v1/projects/${p.name}/deliveries/${first.delivery}/replay`, headers: auth });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.headers.location, `/api/v1/projects/${p.name}/runs/2`);
    const answer = res.json<ReplayAnswer>();
    assert.equal(answer.run, 2);
    assert.equal(answer.delivery.replayOf, first.delivery);
    assert.equal(answer.delivery.outcome, 'accepted');
    assert.match(answer.delivery.deliveryId, new RegExp(`^replay-${first.delivery}-`));
    const run = await store().runs.getByNumber(p.id, 2);
    assert.equal(run?.sha, main);
    assert.equal(run?.trigger.deliveryId, answer.delivery.id);
    assert.match(String(run?.trigger.actor), /^admin/, 'the caller who asked is the actor');

    // The original is untouched; the list shows both, newest first.
    const original = await app.inject({ url: `/api/v1/projects/${p.name}/deliveries/${first.delivery}`, headers: auth });
    assert.equal(original.json<DeliveryDetailView>().run, 1);
    assert.equal(original.json<DeliveryDetailView>().replayOf, null);
    const list = await app.inject({ url: `/api/v1/projects/${p.name}/deliveries`, headers: auth });
    assert.deepEqual(list.json<{ deliveries: DeliveryView[] }>().deliveries.map((d) => [d.id, d.run, d.replayOf]), [[answer.delivery.id, 2, first.delivery], [first.delivery, 1, null]]);
  });

  test('a replay creates a run only when processing would: a ping is recorded, answered 200, no run', async () => {
    const p = await project();
    const { body } = genericDelivery({ ref: 'refs/heads/main', before: ZERO_SHA, after: main }, 'x', 'p');
    const { delivery } = await store().deliveries.recordOnce({
      projectId: p.id, forge: 'generic', deliveryId: 'ping-1', event: 'ping', headers: { 'content-type': 'application/json', 'x-gantry-event': 'ping' }, body: Buffer.from(body), outcome: 'ignored', reason: 'ping',
    });
    const res = await app.inject({ method: 'POST', url: `/api/v1/projects/${p.name}/deliveries/${delivery.id}/replay`, headers: auth });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json<ReplayAnswer>().run, null);
    assert.equal(res.json<ReplayAnswer>().delivery.outcome, 'ignored');
    assert.equal((await store().runs.list(p.id)).runs.length, 0);
  });

  test('a delivery that failed authentication cannot be replayed; another project\'s delivery is not found', async () => {
    const p = await project();
    const q = await project();
    const { body, headers } = genericDelivery({ ref: 'refs/heads/main', before: ZERO_SHA, after: main }, 'wrong-secret', 'forged');
    const forged = await app.inject({ method: 'POST', url: `/hooks/generic/${p.name}`, headers, payload: body });
    assert.equal(forged.statusCode, 401);
    const [rejected] = await store().deliveries.listByProject(p.id);
    assert.match(rejected!.deliveryId, /^unverified-/);
    const res = await app.inject({ method: 'POST', url: `/api/v1/projects/${p.name}/deliveries/${rejected!.id}/replay`, headers: auth });
    assert.equal(problemCode(res, 409), 'DELIVERY_NOT_REPLAYABLE');
    assert.equal((await store().runs.list(p.id)).runs.length, 0);
    assert.equal((await store().deliveries.listByProject(p.id)).length, 1, 'nothing recorded');
    const other = await app.inject({ method: 'POST', url: `/api/v1/projects/${q.name}/deliveries/${rejected!.id}/replay`, headers: auth });
    assert.equal(problemCode(other, 404), 'DELIVERY_NOT_FOUND');
  });
});

describe('agents', () => {
  test('list, pause, drain, resume; unknown agent 404; no token 401', async () => {
    const list = await app.inject({ url: '/api/v1/agents', headers: auth });
    assert.equal(list.statusCode, 200, list.body);
    assert.deepEqual(list.json<{ agents: AgentView[] }>().agents.map((a) => [a.id, a.kind, a.state, a.capacity, a.labels, a.running]), [
      ['embedded@test', 'embedded', 'idle', 2, ['local'], []],
    ]);
    const id = encodeURIComponent('embedded@test');
    const paused = await app.inject({ method: 'POST', url: `/api/v1/agents/${id}/pause`, headers: auth });
    assert.equal(paused.json<AgentView>().state, 'paused');
    assert.equal(agents.get('embedded@test')?.state, 'paused');
    const resumed = await app.inject({ method: 'POST', url: `/api/v1/agents/${id}/resume`, headers: auth });
    assert.equal(resumed.json<AgentView>().state, 'idle');
    const drained = await app.inject({ method: 'POST', url: `/api/v1/agents/${id}/drain`, headers: auth });
    assert.equal(drained.json<AgentView>().state, 'paused', 'an idle agent is drained at once');
    agents.resume('embedded@test');
    assert.equal(problemCode(await app.inject({ method: 'POST', url: '/api/v1/agents/nope/pause', headers: auth }), 404), 'AGENT_NOT_FOUND');
    assert.equal(problemCode(await app.inject({ url: '/api/v1/agents' }), 401), 'AUTH_REQUIRED');
  });
});

describe('info', () => {
  test('needs a credential; answers version, store driver, agent and uptime', async () => {
    assert.equal(problemCode(await app.inject({ url: '/api/v1/info' }), 401), 'AUTH_REQUIRED');
    const res = await app.inject({ url: '/api/v1/info', headers: auth });
    assert.equal(res.statusCode, 200, res.body);
    const info = res.json<{ version: string; store: string; embeddedAgent: boolean; uptimeMs: number }>();
    assert.match(info.version, /^\d+\.\d+\.\d+/);
    assert.equal(info.store, 'sqlite');
    assert.equal(info.embeddedAgent, true);
    assert.ok(info.uptimeMs >= 5000);
  });
});

describe('openapi.json', () => {
  test('public; every route of the app is in it with its permission, security and problem answers', async () => {
    const res = await app.inject({ url: '/api/v1/openapi.json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json<{ openapi: string; paths: Record<string, Record<string, Record<string, unknown>>> }>();
    assert.equal(doc.openapi, '3.1.0');
    const routes = app.printRoutes({ commonPrefix: false });
    for (const [path, method, permission] of [
      ['/api/v1/projects/{name}', 'patch', 'project:manage'],
      ['/api/v1/projects/{name}', 'delete', 'admin'],
      ['/api/v1/projects/{name}', 'get', 'project:read'],
      ['/api/v1/projects/{name}/runs', 'post', 'project:trigger'],
      ['/api/v1/projects/{name}/runs/{number}/jobs/{job}/logs/raw', 'get', 'project:read'],
      ['/api/v1/projects/{name}/deliveries/{id}/replay', 'post', 'project:manage'],
      ['/api/v1/agents/{id}/drain', 'post', 'admin'],
      ['/api/v1/info', 'get', 'authenticated'],
      ['/api/v1/openapi.json', 'get', 'public'],
      ['/hooks/github/{project}', 'post', 'public'],
    ] as const) {
      const op = doc.paths[path]?.[method];
      assert.ok(op, `${method} ${path} is documented`);
      assert.equal(op['x-permission'], permission, `${method} ${path}`);
      assert.deepEqual(op.security, permission === 'public' ? [] : [{ bearerAuth: [] }]);
      assert.ok((op.responses as Record<string, unknown>).default, `${method} ${path} documents its problem answers`);
    }
    const raw = doc.paths['/api/v1/projects/{name}/runs/{number}/jobs/{job}/logs/raw']!.get!.responses as Record<string, { content: Record<string, unknown> }>;
    assert.ok(raw['200']!.content['text/plain']);
    const patch = doc.paths['/api/v1/projects/{name}']!.patch!;
    assert.deepEqual((patch.parameters as { name: string; in: string }[]).map((x) => [x.name, x.in]), [['name', 'path']]);
    assert.ok(patch.requestBody);
    // Nothing the router serves is missing (HEAD routes aside).
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    assert.ok(documented.length >= 20, routes);
  });
});
