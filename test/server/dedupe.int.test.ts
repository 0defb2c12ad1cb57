// One push, one run, however it arrives: the real webhook route (in process, inject), a real poller
// (git ls-remote) on the same SQLite store, real git. Poll first then webhook, webhook first then
// poll, two webhooks of one push at once; a manual trigger of the same commit still makes a run.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunView, WebhookAnswer } from '../../src/api-client/index.js';
import { ManualClock } from '../../src/core/index.js';
import { createRunFromEvent } from '../../src/server/runs/index.js';
import { createPoller, type Poller } from '../../src/server/schedule/index.js';
import type { Project } from '../../src/store/index.js';
import { auth, startHarness, type Harness } from './helpers/harness.js';
import { signedGeneric, type SignedRequest } from './helpers/webhooks.js';

const SECRET = 'hook-secret';
const MINUTE = 60_000;
const silent = { info: () => {}, warn: () => {}, error: () => {} };

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

/** A project polled every minute (ls-remote of the bare origin), its first listing recorded. */
async function polledProject(name: string): Promise<{ project: Project; poll: () => Promise<number[]> }> {
  const project = await h.store.projects.create({ name, repoUrl: h.origin.bare, forge: 'generic', webhookSecret: SECRET, pollIntervalMs: MINUTE });
  const clock = new ManualClock(Date.parse('2024-03-01T10:00:00Z'));
  const poller: Poller = createPoller({ store: h.store, runCreator: createRunFromEvent({ store: h.store, repos: h.repos, clock }), clock, logger: silent });
  await poller.tick();
  return {
    project,
    poll: async () => {
      clock.time += MINUTE;
      return (await poller.tick()).flatMap((o) => (o.projectId === project.id ? o.runs : []));
    },
  };
}

function deliver(project: string, request: SignedRequest) {
  return h.app.inject({ method: 'POST', url: `/hooks/generic/${project}`, headers: request.headers, payload: request.payload });
}

async function runs(project: string): Promise<RunView[]> {
  const res = await h.app.inject({ url: `/api/v1/projects/${project}/runs`, headers: auth });
  assert.equal(res.statusCode, 200, res.body);
  return (JSON.parse(res.body) as { runs: RunView[] }).runs;
}

test('a webhook arriving after a poll built its commit → 202 ignored naming the run, no second run', async () => {
  const { poll } = await polledProject('poll-first');
  const sha = h.origin.commit({ 'poll-first.txt': '1' }, { message: 'webhook lost for a while' });
  assert.equal((await poll()).length, 1, 'the poll builds the commit');

  const res = await deliver('poll-first', signedGeneric(SECRET, 'refs/heads/main', sha, 'late-1'));
  assert.equal(res.statusCode, 202, res.body);
  const answer = JSON.parse(res.body) as WebhookAnswer;
  assert.equal(answer.status, 'ignored');
  assert.match(answer.reason ?? '', new RegExp(`^commit ${sha.slice(0, 12)} of branch main already has run #1 `));
  const list = await runs('poll-first');
  assert.deepEqual(list.map((r) => [r.number, r.sha, r.event]), [[1, sha, 'push']]);

  const delivery = await h.app.inject({ url: `/api/v1/projects/poll-first/deliveries/${answer.delivery}`, headers: auth });
  assert.equal((JSON.parse(delivery.body) as { outcome: string }).outcome, 'ignored', 'the delivery is kept, as ignored');
});

test('a poll after the webhook built the commit → no second run; the next push still builds', async () => {
  const { poll } = await polledProject('hook-first');
  const sha = h.origin.commit({ 'hook-first.txt': '1' });
  assert.equal((await deliver('hook-first', signedGeneric(SECRET, 'refs/heads/main', sha, 'on-time-1'))).statusCode, 201);
  assert.deepEqual(await poll(), []);
  const next = h.origin.commit({ 'hook-first.txt': '2' });
  assert.equal((await poll()).length, 1, 'a new commit is built (its webhook was lost)');
  assert.deepEqual((await runs('hook-first')).map((r) => r.sha), [next, sha]);
});

test('a tag: webhook first, then the poll → one tag run', async () => {
  const { poll } = await polledProject('tagged');
  const sha = h.origin.commit({ 'tagged.txt': '1' });
  h.origin.tag('v9.0.0', sha);
  assert.equal((await deliver('tagged', signedGeneric(SECRET, 'refs/tags/v9.0.0', sha, 'tag-1'))).statusCode, 201);
  await poll(); // finds main moved (a push run) and the new tag (already built)
  const list = await runs('tagged');
  assert.deepEqual(list.filter((r) => r.event === 'tag').map((r) => [r.tag, r.sha]), [['v9.0.0', sha]]);
});

test('two webhooks of one push at once (forge and post-receive hook) → one run', async () => {
  await h.project('twice', 'generic');
  const sha = h.origin.commit({ 'twice.txt': '1' });
  const answers = await Promise.all(['forge-1', 'hook-1', 'forge-2'].map((id) => deliver('twice', signedGeneric(SECRET, 'refs/heads/main', sha, id))));
  assert.deepEqual(answers.map((a) => a.statusCode).sort(), [201, 202, 202]);
  assert.equal((await runs('twice')).length, 1);
});

test('an API trigger of an already built commit makes a run (an explicit request)', async () => {
  await h.project('explicit', 'generic');
  const sha = h.origin.commit({ 'explicit.txt': '1' });
  assert.equal((await deliver('explicit', signedGeneric(SECRET, 'refs/heads/main', sha, 'e-1'))).statusCode, 201);
  const manual = await h.app.inject({ method: 'POST', url: '/api/v1/projects/explicit/runs', headers: auth, payload: { sha, branch: 'main' } });
  assert.equal(manual.statusCode, 201, manual.body);
  assert.deepEqual((await runs('explicit')).map((r) => [r.number, r.event, r.sha]), [[2, 'api', sha], [1, 'push', sha]]);
});
