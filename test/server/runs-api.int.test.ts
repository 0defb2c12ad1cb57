// The runs API in process: manual/api triggers with inputs, listing with filters and pagination,
// run details with jobs and steps, job logs written through the LogStore, deliveries — over real
// SQLite and real git.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DeliveryDetailView, DeliveryList, LogPage, Problem, RunDetailView, RunList } from '../../src/api-client/index.js';
import type { Project } from '../../src/store/index.js';
import { auth, PIPELINE, startHarness, type Harness } from './helpers/harness.js';

let h: Harness;
let project: Project;
before(async () => {
  h = await startHarness();
  project = await h.project('app', 'generic');
});
after(async () => {
  await h.close();
});

function json<T>(res: { statusCode: number; body: string }, status: number): T {
  assert.equal(res.statusCode, status, res.body);
  return JSON.parse(res.body) as T;
}

function problem(res: { statusCode: number; body: string }, status: number, code: string): Problem {
  const body = json<Problem>(res, status);
  assert.equal(body.code, code, body.detail);
  return body;
}

const trigger = (payload: Record<string, unknown>, name = 'app') =>
  h.app.inject({ method: 'POST', url: `/api/v1/projects/${name}/runs`, headers: auth, payload });

describe('trigger', () => {
  test('manual run with inputs on the default branch → 201 with the run and its jobs', async () => {
    const res = await trigger({ event: 'manual', inputs: { target: 'production' } });
    const r = json<RunDetailView>(res, 201);
    assert.equal(res.headers.location, `/api/v1/projects/app/runs/${r.number}`);
    assert.deepEqual([r.event, r.branch, r.sha, r.status, r.inputs], ['manual', 'main', h.main, 'queued', { target: 'production' }]);
    assert.deepEqual({ ...r.trigger, actor: '' }, { kind: 'manual', actor: '', delivery: null, retryOf: null });
    assert.match(r.trigger.actor ?? '', /^admin\b/, 'the token that triggered it');
    assert.equal(r.message, 'first');
    assert.deepEqual(r.jobs.map((j) => j.id), ['build', 'test']);
  });

  test('api run (the default event) of a tag, and of an exact commit', async () => {
    h.origin.tag('v2.0.0', h.main);
    const tagged = json<RunDetailView>(await trigger({ tag: 'v2.0.0' }), 201);
    assert.deepEqual([tagged.event, tagged.tag, tagged.sha, tagged.inputs], ['api', 'v2.0.0', h.main, {}]);
    const exact = json<RunDetailView>(await trigger({ sha: h.main, branch: 'main' }), 201);
    assert.deepEqual([exact.event, exact.branch, exact.sha], ['api', 'main', h.main]);
  });

  test('inputs the pipeline does not declare or allow → 422 RUN_BAD_INPUT with the diagnostics, no run', async () => {
    const before = (await h.store.runs.list(project.id)).runs.length;
    const body = problem(await trigger({ event: 'manual', inputs: { target: 'moon', colour: 'red' } }), 422, 'RUN_BAD_INPUT');
    assert.equal(body.diagnostics?.length, 2);
    assert.ok(body.diagnostics?.every((d) => d.code === 'PIPELINE_BAD_INPUT' && d.file === '.gantry.yml'));
    assert.match(body.detail, /colour/);
    assert.match(body.detail, /moon/);
    assert.equal((await h.store.runs.list(project.id)).runs.length, before);
  });

  test('unknown branch → 404 GIT_UNKNOWN_REF; branch and tag together → 400', async () => {
    problem(await trigger({ branch: 'nope' }), 404, 'GIT_UNKNOWN_REF');
    problem(await trigger({ sha: 'a'.repeat(40) }), 404, 'GIT_UNKNOWN_COMMIT');
    const both = problem(await trigger({ branch: 'main', tag: 'v2.0.0' }), 400, 'API_INVALID_REQUEST');
    assert.deepEqual(both.problems?.map((p) => p.field), ['tag']);
    problem(await trigger({ branch: '-x' }), 400, 'API_INVALID_REQUEST');
  });

  test('a branch `on` does not accept → 422 RUN_NOT_TRIGGERED', async () => {
    const other = h.origin.commit({ 'y.txt': '1\n', '.gantry.yml': 'version: 1\non: { push: {} }\njobs:\n  a: { steps: [{ run: "true" }] }\n' }, { branch: 'pushonly' });
    assert.ok(other);
    const body = problem(await trigger({ branch: 'pushonly', event: 'manual' }), 422, 'RUN_NOT_TRIGGERED');
    assert.match(body.detail, /manual/);
  });

  test('needs the admin token; unknown project → 404', async () => {
    assert.equal((await h.app.inject({ method: 'POST', url: '/api/v1/projects/app/runs', payload: {} })).statusCode, 401);
    problem(await trigger({}, 'ghost'), 404, 'PROJECT_NOT_FOUND');
  });
});

describe('read', () => {
  let runs: RunList;
  before(async () => {
    // Fresh project: 5 runs — 3 on main (api), 2 on feature/x (manual), one of them finished.
    const p = await h.project('list', 'generic');
    h.origin.commit({ 'f.txt': '1\n', '.gantry.yml': PIPELINE }, { branch: 'feature/x', message: 'on x' });
    for (const payload of [{}, {}, { event: 'manual', branch: 'feature/x' }, {}, { event: 'manual', branch: 'feature/x' }]) {
      json<RunDetailView>(await trigger(payload, 'list'), 201);
    }
    const third = await h.store.runs.getByNumber(p.id, 3);
    await h.store.runs.update(third!.id, { status: 'running' });
    await h.store.runs.update(third!.id, { status: 'success' });
    runs = json<RunList>(await h.app.inject({ url: '/api/v1/projects/list/runs', headers: auth }), 200);
  });

  test('list: newest first, no next page', () => {
    assert.deepEqual(runs.runs.map((r) => r.number), [5, 4, 3, 2, 1]);
    assert.equal(runs.nextCursor, null);
    const three = runs.runs.find((r) => r.number === 3)!;
    assert.equal(three.status, 'success');
    assert.ok(three.startedAt && three.finishedAt && three.durationMs !== null);
  });

  test('filters: status (one or several), branch, event', async () => {
    const get = async (query: string) =>
      json<RunList>(await h.app.inject({ url: `/api/v1/projects/list/runs?${query}`, headers: auth }), 200).runs.map((r) => r.number);
    assert.deepEqual(await get('status=success'), [3]);
    assert.deepEqual(await get('status=queued,success'), [5, 4, 3, 2, 1]);
    assert.deepEqual(await get('branch=feature%2Fx'), [5, 3]);
    assert.deepEqual(await get('event=api'), [4, 2, 1]);
    assert.deepEqual(await get('event=manual&status=queued'), [5]);
    problem(await h.app.inject({ url: '/api/v1/projects/list/runs?status=done', headers: auth }), 400, 'API_INVALID_REQUEST');
  });

  test('pagination: limit and the before cursor walk every run once', async () => {
    const seen: number[] = [];
    let url = '/api/v1/projects/list/runs?limit=2';
    for (;;) {
      const page = json<RunList>(await h.app.inject({ url, headers: auth }), 200);
      seen.push(...page.runs.map((r) => r.number));
      if (page.nextCursor === null) break;
      url = `/api/v1/projects/list/runs?limit=2&before=${page.nextCursor}`;
    }
    assert.deepEqual(seen, [5, 4, 3, 2, 1]);
  });

  test('show: jobs with status, reason, timings and steps; unknown run → 404', async () => {
    const p = (await h.store.projects.getByName('list'))!;
    const run = (await h.store.runs.getByNumber(p.id, 1))!;
    await h.store.runs.upsertJob({ runId: run.id, jobId: 'build', status: 'running', attempt: 1, startedAt: Date.parse('2026-01-01T00:00:00Z') });
    await h.store.runs.upsertStep({ runId: run.id, jobId: 'build', step: 0, name: 'echo build', status: 'success', exitCode: 0, startedAt: 1000, finishedAt: 1500 });
    await h.store.runs.upsertJob({ runId: run.id, jobId: 'test', status: 'waiting', reason: '1 higher-priority job ahead' });
    const r = json<RunDetailView>(await h.app.inject({ url: '/api/v1/projects/list/runs/1', headers: auth }), 200);
    const [build, tst] = r.jobs;
    assert.deepEqual([build?.status, build?.attempt, build?.startedAt], ['running', 1, '2026-01-01T00:00:00.000Z']);
    assert.deepEqual(build?.steps, [
      { index: 0, name: 'echo build', status: 'success', reason: null, exitCode: 0, startedAt: '1970-01-01T00:00:01.000Z', finishedAt: '1970-01-01T00:00:01.500Z', durationMs: 500 },
    ]);
    assert.deepEqual([tst?.status, tst?.reason, tst?.needs], ['waiting', '1 higher-priority job ahead', ['build']]);
    problem(await h.app.inject({ url: '/api/v1/projects/list/runs/99', headers: auth }), 404, 'RUN_NOT_FOUND');
    problem(await h.app.inject({ url: '/api/v1/projects/list/runs/zero', headers: auth }), 400, 'API_INVALID_REQUEST');
  });

  test('logs: lines written through the LogStore, in seq order, paged with after/limit', async () => {
    const p = (await h.store.projects.getByName('list'))!;
    const run = (await h.store.runs.getByNumber(p.id, 2))!;
    // A job id as matrix jobs have them: spaces, colon, parentheses (URL-encoded in the path).
    const job = 'test (node: 20)';
    await h.store.runs.upsertJob({ runId: run.id, jobId: job, name: job, status: 'running' });
    const lines = Array.from({ length: 5 }, (_, i) => ({ runId: run.id, jobId: job, step: i === 0 ? null : 0, seq: i + 1, stream: i === 3 ? ('stderr' as const) : ('stdout' as const), line: `line ${i + 1}`, ts: 1_000 + i }));
    await h.store.logs.append([lines[3]!, lines[4]!, lines[0]!, lines[1]!, lines[2]!]);
    const base = `/api/v1/projects/list/runs/2/jobs/${encodeURIComponent(job)}/logs`;
    const all = json<LogPage>(await h.app.inject({ url: base, headers: auth }), 200);
    assert.deepEqual(all.lines.map((l) => l.line), ['line 1', 'line 2', 'line 3', 'line 4', 'line 5']);
    assert.deepEqual(all.lines[0], { seq: 1, step: null, stream: 'stdout', line: 'line 1', time: '1970-01-01T00:00:01.000Z' });
    assert.equal(all.lines[3]?.stream, 'stderr');
    assert.equal(all.next, 5);
    const page = json<LogPage>(await h.app.inject({ url: `${base}?after=2&limit=2`, headers: auth }), 200);
    assert.deepEqual([page.lines.map((l) => l.seq), page.next], [[3, 4], 4]);
    const empty = json<LogPage>(await h.app.inject({ url: `${base}?after=5`, headers: auth }), 200);
    assert.deepEqual(empty, { lines: [], next: 5 });
    // A plan job with no lines yet: empty, not 404.
    assert.deepEqual(json<LogPage>(await h.app.inject({ url: '/api/v1/projects/list/runs/2/jobs/build/logs', headers: auth }), 200).lines, []);
    problem(await h.app.inject({ url: '/api/v1/projects/list/runs/2/jobs/nope/logs', headers: auth }), 404, 'RUN_JOB_NOT_FOUND');
  });

  test('read routes need the admin token', async () => {
    for (const url of ['/api/v1/projects/list/runs', '/api/v1/projects/list/runs/1', '/api/v1/projects/list/runs/1/jobs/build/logs', '/api/v1/projects/list/deliveries']) {
      assert.equal((await h.app.inject({ url })).statusCode, 401, url);
    }
  });
});

describe('deliveries', () => {
  test('list newest first with paging; detail with headers and body (text, or base64 when not UTF-8)', async () => {
    const p = await h.project('hooks', 'generic');
    for (let i = 1; i <= 3; i++) {
      const body = i === 2 ? Buffer.from([0xff, 0xfe, 0x00, 0x01]) : Buffer.from(`{"n":${i}}`);
      const res = await h.app.inject({ method: 'POST', url: '/hooks/generic/hooks', headers: { 'content-type': 'application/json', 'x-gantry-delivery': `h-${i}` }, payload: body });
      assert.equal(res.statusCode, 401);
    }
    const first = json<DeliveryList>(await h.app.inject({ url: '/api/v1/projects/hooks/deliveries?limit=2', headers: auth }), 200);
    assert.equal(first.deliveries.length, 2);
    assert.notEqual(first.nextCursor, null);
    const rest = json<DeliveryList>(await h.app.inject({ url: `/api/v1/projects/hooks/deliveries?limit=2&before=${first.nextCursor}`, headers: auth }), 200);
    assert.equal(rest.nextCursor, null);
    const all = [...first.deliveries, ...rest.deliveries];
    assert.equal(all.length, 3);
    assert.deepEqual(all.map((d) => d.id), [...all.map((d) => d.id)].sort((a, b) => b - a));

    const binary = json<DeliveryDetailView>(await h.app.inject({ url: `/api/v1/projects/hooks/deliveries/${all[1]!.id}`, headers: auth }), 200);
    assert.deepEqual([binary.bodyEncoding, binary.body, binary.bodyBytes], ['base64', Buffer.from([0xff, 0xfe, 0x00, 0x01]).toString('base64'), 4]);
    assert.equal(binary.headers['x-gantry-delivery'], 'h-2');
    const text = json<DeliveryDetailView>(await h.app.inject({ url: `/api/v1/projects/hooks/deliveries/${all[0]!.id}`, headers: auth }), 200);
    assert.deepEqual([text.bodyEncoding, text.body], ['utf8', '{"n":3}']);

    // Another project's delivery is not reachable through this one.
    const other = await h.project('other-hooks', 'generic');
    assert.ok(other.id !== p.id);
    problem(await h.app.inject({ url: `/api/v1/projects/other-hooks/deliveries/${all[0]!.id}`, headers: auth }), 404, 'DELIVERY_NOT_FOUND');
  });
});
