// Webhooks end to end in process: the real HTTP app (inject), real SQLite, real git (a bare origin
// with a .gantry.yml, mirrored by the server), forges' real payloads rewritten to the test commits.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DeliveryDetailView, Problem, RunDetailView, WebhookAnswer } from '../../src/api-client/index.js';
import type { ForgeKind } from '../../src/store/index.js';
import { auth, startHarness, type Harness } from './helpers/harness.js';
import {
  fixture, githubExample, githubStylePullRequest, githubStylePush, gitlabMergeRequest, gitlabPush, signed, signedGeneric, type SignedRequest,
} from './helpers/webhooks.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const SECRET = 'hook-secret';

function deliver(forge: ForgeKind, project: string, request: SignedRequest) {
  return h.app.inject({ method: 'POST', url: `/hooks/${forge}/${project}`, headers: request.headers, payload: request.payload });
}

/** A push of `ref` to `sha` as each forge sends it. */
function push(forge: ForgeKind, ref: string, sha: string, id: string, secret = SECRET): SignedRequest {
  switch (forge) {
    case 'github':
      return signed('github', secret, 'push', id, githubStylePush(githubExample('push', (e) => e.ref === 'refs/heads/master'), ref, sha));
    case 'gitea':
      return signed('gitea', secret, 'push', id, githubStylePush(fixture('gitea/push.json'), ref, sha));
    case 'gitlab':
      return signed('gitlab', secret, ref.startsWith('refs/tags/') ? 'Tag Push Hook' : 'Push Hook', id, gitlabPush(fixture(ref.startsWith('refs/tags/') ? 'gitlab/tag_push.json' : 'gitlab/push.json'), ref, sha));
    case 'generic':
      return signedGeneric(secret, ref, sha, id);
  }
}

function json<T>(res: { statusCode: number; body: string }, status: number): T {
  assert.equal(res.statusCode, status, res.body);
  return JSON.parse(res.body) as T;
}

function problem(res: { statusCode: number; body: string; headers: Record<string, unknown> }, status: number, code: string): Problem {
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const body = json<Problem>(res, status);
  assert.equal(body.code, code, body.detail);
  return body;
}

async function run(project: string, number: number): Promise<RunDetailView> {
  return json<RunDetailView>(await h.app.inject({ url: `/api/v1/projects/${project}/runs/${number}`, headers: auth }), 200);
}

async function delivery(project: string, id: number): Promise<DeliveryDetailView> {
  return json<DeliveryDetailView>(await h.app.inject({ url: `/api/v1/projects/${project}/deliveries/${id}`, headers: auth }), 200);
}

async function runCount(project: string): Promise<number> {
  const p = await h.store.projects.getByName(project);
  return (await h.store.runs.list(p!.id)).runs.length;
}

const SIGNATURE_HEADERS = ['x-hub-signature-256', 'x-gitea-signature', 'x-gitlab-token', 'x-gantry-signature'];

describe('every forge', () => {
  for (const forge of ['github', 'gitea', 'gitlab', 'generic'] as const) {
    test(`${forge}: a signed push → 201, run #1 queued with its jobs; the delivery is stored without the signature`, async () => {
      const name = `ok-${forge}`;
      await h.project(name, forge);
      const res = await deliver(forge, name, push(forge, 'refs/heads/main', h.main, `${forge}-d1`));
      const answer = json<WebhookAnswer>(res, 201);
      assert.equal(answer.status, 'accepted');
      assert.equal(answer.run, 1);
      assert.equal(res.headers.location, `/api/v1/projects/${name}/runs/1`);

      const r = await run(name, 1);
      assert.equal(r.status, 'queued');
      assert.equal(r.event, 'push');
      assert.equal(r.branch, 'main');
      assert.equal(r.sha, h.main);
      assert.equal(r.trigger.delivery, answer.delivery);
      assert.deepEqual(r.jobs.map((j) => [j.id, j.status, j.needs]), [['build', 'queued', []], ['test', 'queued', ['build']]]);
      if (forge === 'generic') assert.equal(r.message, 'first', 'read from git when the payload has none');

      const d = await delivery(name, answer.delivery!);
      assert.equal(d.outcome, 'accepted');
      assert.equal(d.run, 1);
      assert.equal(d.bodyEncoding, 'utf8');
      assert.ok(d.body.includes(h.main));
      for (const header of SIGNATURE_HEADERS) assert.equal(d.headers[header], undefined, header);
      assert.ok(!JSON.stringify(d).includes(SECRET), 'the secret is not stored in the delivery');
    });

    test(`${forge}: a forged or missing signature → 401, recorded as rejected, no run`, async () => {
      const name = `forged-${forge}`;
      await h.project(name, forge);
      const forged = push(forge, 'refs/heads/main', h.main, `${forge}-forged`, 'not-the-secret');
      const body = problem(await deliver(forge, name, forged), 401, 'WEBHOOK_BAD_SIGNATURE');
      assert.match(body.detail, /does not match/);
      const missing = push(forge, 'refs/heads/main', h.main, `${forge}-missing`);
      for (const header of SIGNATURE_HEADERS) delete missing.headers[header];
      problem(await deliver(forge, name, missing), 401, 'WEBHOOK_BAD_SIGNATURE');
      assert.equal(await runCount(name), 0);

      const list = json<{ deliveries: DeliveryDetailView[] }>(await h.app.inject({ url: `/api/v1/projects/${name}/deliveries`, headers: auth }), 200);
      assert.equal(list.deliveries.length, 2);
      for (const d of list.deliveries) {
        assert.equal(d.outcome, 'rejected');
        assert.match(d.deliveryId, /^unverified-/, 'a forged delivery never takes the id a real one will use');
        assert.equal(d.run, null);
      }
      const detail = await delivery(name, list.deliveries[1]!.id);
      assert.match(detail.reason ?? '', /does not match/);
      for (const header of SIGNATURE_HEADERS) assert.equal(detail.headers[header], undefined, header);
      assert.ok(detail.body.includes(h.main), 'the body is kept for inspection');

      // The real delivery with the id the forger used still creates its run.
      const real = json<WebhookAnswer>(await deliver(forge, name, push(forge, 'refs/heads/main', h.main, `${forge}-forged`)), 201);
      assert.equal(real.run, 1);
    });

    test(`${forge}: the same delivery twice → one run, the repeat answers duplicate`, async () => {
      const name = `dup-${forge}`;
      await h.project(name, forge);
      const request = push(forge, 'refs/heads/main', h.main, `${forge}-same`);
      const first = json<WebhookAnswer>(await deliver(forge, name, request), 201);
      const second = json<WebhookAnswer>(await deliver(forge, name, request), 200);
      assert.deepEqual(second, { status: 'duplicate', run: 1, delivery: first.delivery });
      assert.equal(await runCount(name), 1);
      assert.equal((await delivery(name, first.delivery!)).redeliveries, 1);
    });
  }

  test('concurrent copies of one delivery → one run', async () => {
    await h.project('race', 'github');
    const request = push('github', 'refs/heads/main', h.main, 'race-1');
    const answers = await Promise.all([1, 2, 3].map(() => deliver('github', 'race', request)));
    assert.deepEqual(answers.map((a) => a.statusCode).sort(), [200, 200, 201]);
    assert.equal(await runCount('race'), 1);
  });
});

describe('events', () => {
  test('GitHub ping → 200 pong, no run', async () => {
    await h.project('ping', 'github');
    const answer = json<WebhookAnswer>(await deliver('github', 'ping', signed('github', SECRET, 'ping', 'p-1', githubExample('ping'))), 200);
    assert.equal(answer.status, 'pong');
    assert.equal(await runCount('ping'), 0);
    assert.equal((await delivery('ping', answer.delivery!)).outcome, 'ignored');
  });

  test('tag push (GitHub, GitLab) → a tag run at the tagged commit', async () => {
    h.origin.tag('v1.0.0', h.main);
    await h.project('tags-gh', 'github');
    const gh = githubStylePush(githubExample('push', (e) => e.ref === 'refs/tags/simple-tag' && e.deleted === false), 'refs/tags/v1.0.0', h.main);
    const a = json<WebhookAnswer>(await deliver('github', 'tags-gh', signed('github', SECRET, 'push', 't-1', gh)), 201);
    const r = await run('tags-gh', a.run!);
    assert.deepEqual([r.event, r.tag, r.branch, r.sha, r.status], ['tag', 'v1.0.0', null, h.main, 'queued']);

    await h.project('tags-gl', 'gitlab');
    const b = json<WebhookAnswer>(await deliver('gitlab', 'tags-gl', push('gitlab', 'refs/tags/v1.0.0', h.main, 't-2')), 201);
    assert.equal((await run('tags-gl', b.run!)).tag, 'v1.0.0');
  });

  test('pull requests (GitHub, Gitea, GitLab) → pull_request runs of the head commit', async () => {
    const head = h.origin.commit({ 'feature.txt': 'x\n' }, { branch: 'feature/pr', message: 'feature work' });
    await h.project('pr-gh', 'github');
    await h.project('pr-gt', 'gitea');
    await h.project('pr-gl', 'gitlab');
    const gh = githubStylePullRequest(githubExample('pull_request', (e) => e.action === 'opened'), 'feature/pr', head, 'main');
    const gt = githubStylePullRequest(fixture('gitea/pull_request.json'), 'feature/pr', head, 'main');
    const gl = gitlabMergeRequest(fixture('gitlab/merge_request.json'), 'feature/pr', head, 'main');
    const answers = [
      ['pr-gh', await deliver('github', 'pr-gh', signed('github', SECRET, 'pull_request', 'pr-1', gh))],
      ['pr-gt', await deliver('gitea', 'pr-gt', signed('gitea', SECRET, 'pull_request', 'pr-2', gt))],
      ['pr-gl', await deliver('gitlab', 'pr-gl', signed('gitlab', SECRET, 'Merge Request Hook', 'pr-3', gl))],
    ] as const;
    for (const [project, res] of answers) {
      const answer = json<WebhookAnswer>(res, 201);
      const r = await run(project, answer.run!);
      assert.deepEqual([r.event, r.branch, r.baseBranch, r.sha, r.status], ['pull_request', 'feature/pr', 'main', head, 'queued'], project);
      // GitLab sends the head commit's message; for the others it is read from git.
      assert.equal(r.message, project === 'pr-gl' ? 'fixed readme' : 'feature work');
    }
  });

  test('an unsupported event → 202 ignored with the reason, recorded', async () => {
    await h.project('issues', 'github');
    const answer = json<WebhookAnswer>(await deliver('github', 'issues', signed('github', SECRET, 'issues', 'i-1', githubExample('issues'))), 202);
    assert.equal(answer.status, 'ignored');
    assert.match(answer.reason!, /event 'issues' does not start runs/);
    assert.equal(await runCount('issues'), 0);
    const d = await delivery('issues', answer.delivery!);
    assert.deepEqual([d.outcome, d.event, d.reason], ['ignored', 'issues', answer.reason]);
  });

  test("a branch that `on` does not match → 202 ignored with the reason, no run", async () => {
    const other = h.origin.commit({ 'x.txt': '1\n' }, { branch: 'other', message: 'other work' });
    await h.project('nomatch', 'generic');
    const answer = json<WebhookAnswer>(await deliver('generic', 'nomatch', push('generic', 'refs/heads/other', other, 'n-1')), 202);
    assert.equal(answer.status, 'ignored');
    assert.match(answer.reason!, /other/);
    assert.equal(await runCount('nomatch'), 0);
    const d = await delivery('nomatch', answer.delivery!);
    assert.deepEqual([d.outcome, d.reason, d.run], ['ignored', answer.reason, null]);
  });

  test('a broken pipeline file → a run with status error and the diagnostic', async () => {
    const broken = h.origin.commit({ '.gantry.yml': 'version: 1\njobs:\n  build:\n    stepz: []\n' }, { branch: 'feature/broken', message: 'oops' });
    await h.project('broken', 'generic');
    const answer = json<WebhookAnswer>(await deliver('generic', 'broken', push('generic', 'refs/heads/feature/broken', broken, 'b-1')), 201);
    const r = await run('broken', answer.run!);
    assert.equal(r.status, 'error');
    assert.match(r.reason!, /\.gantry\.yml:4:5: error PIPELINE_\w+ .*stepz/);
    assert.deepEqual(r.jobs, []);
  });
});

describe('refusals', () => {
  test('unknown project → 404, recorded with no project', async () => {
    problem(await deliver('github', 'nope', push('github', 'refs/heads/main', h.main, 'x-1')), 404, 'PROJECT_NOT_FOUND');
    const orphans = await h.store.deliveries.listByProject(null);
    assert.ok(orphans.some((d) => d.outcome === 'rejected' && /no project named "nope"/.test(d.reason ?? '')));
  });

  test('a project without a secret accepts no webhook', async () => {
    await h.project('nosecret', 'generic', null);
    const body = problem(await deliver('generic', 'nosecret', push('generic', 'refs/heads/main', h.main, 'ns-1')), 401, 'WEBHOOK_BAD_SIGNATURE');
    assert.match(body.detail, /no webhook secret/);
  });

  test('the route of another forge → 400 WEBHOOK_FORGE_MISMATCH (generic is accepted for every project)', async () => {
    await h.project('mismatch', 'gitlab');
    const body = problem(await deliver('github', 'mismatch', push('github', 'refs/heads/main', h.main, 'm-1')), 400, 'WEBHOOK_FORGE_MISMATCH');
    assert.match(body.detail, /\/hooks\/gitlab\/mismatch/);
    json<WebhookAnswer>(await deliver('generic', 'mismatch', push('generic', 'refs/heads/main', h.main, 'm-2')), 201);
  });

  test('signed but not JSON, or not the payload the event promises → 400, recorded', async () => {
    await h.project('badjson', 'github');
    problem(await deliver('github', 'badjson', signed('github', SECRET, 'push', 'bj-1', '{"ref": ')), 400, 'WEBHOOK_INVALID_PAYLOAD');
    problem(await deliver('github', 'badjson', signed('github', SECRET, 'push', 'bj-2', { hello: 'world' })), 400, 'WEBHOOK_INVALID_PAYLOAD');
    const stored = await h.store.deliveries.listByProject((await h.store.projects.getByName('badjson'))!.id);
    assert.deepEqual(stored.map((d) => [d.deliveryId, d.outcome]), [['bj-2', 'rejected'], ['bj-1', 'rejected']]);
  });

  test('a form-encoded GitHub delivery (payload=…) works too', async () => {
    await h.project('form', 'github');
    const body = githubStylePush(githubExample('push', (e) => e.ref === 'refs/heads/master'), 'refs/heads/main', h.main);
    const request = signed('github', SECRET, 'push', 'f-1', `payload=${encodeURIComponent(JSON.stringify(body))}`);
    request.headers['content-type'] = 'application/x-www-form-urlencoded';
    json<WebhookAnswer>(await deliver('github', 'form', request), 201);
  });

  test('a body over 5 MiB → 413 WEBHOOK_TOO_LARGE', async () => {
    await h.project('huge', 'generic');
    const res = await h.app.inject({ method: 'POST', url: '/hooks/generic/huge', headers: { 'content-type': 'application/json' }, payload: Buffer.alloc(5 * 1024 * 1024 + 1, 0x20) });
    problem(res, 413, 'WEBHOOK_TOO_LARGE');
  });

  test('git unreachable → 503 (retryable), recorded; the retry of the same delivery is processed again', async () => {
    const project = await h.project('flaky', 'generic', SECRET, `${h.origin.scratch}/does-not-exist.git`);
    const request = push('generic', 'refs/heads/main', h.main, 'fl-1');
    const res = await deliver('generic', 'flaky', request);
    problem(res, 503, 'GIT_FETCH_FAILED');
    assert.equal(res.headers['retry-after'], '30');
    const [stored] = await h.store.deliveries.listByProject(project.id);
    assert.equal(stored?.outcome, 'rejected');
    assert.match(stored?.reason ?? '', /^GIT_FETCH_FAILED/);

    await h.store.projects.update(project.id, { repoUrl: h.origin.bare });
    const answer = json<WebhookAnswer>(await deliver('generic', 'flaky', request), 201);
    assert.deepEqual([answer.run, answer.delivery], [1, stored?.id]);
    assert.equal((await delivery('flaky', stored!.id)).outcome, 'accepted');
  });
});
