import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { parseWebhook } from './parse-webhook.js';
import type { ParsedWebhook, WebhookEvent } from './webhook-event.js';

// GitHub's own published example payloads (the @octokit/webhooks-examples package), not copies.
interface ExampleSet {
  name: string;
  examples: Record<string, unknown>[];
}
const githubExamples = createRequire(import.meta.url)('@octokit/webhooks-examples') as ExampleSet[];
function github(name: string, pick: (e: Record<string, unknown>) => boolean): Record<string, unknown> {
  const found = githubExamples.find((s) => s.name === name)?.examples.find(pick);
  assert.ok(found, `no GitHub example for ${name}`);
  return found;
}
const fixture = (path: string) => JSON.parse(readFileSync(new URL(`../../test/fixtures/webhooks/${path}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const clone = <T>(v: T): T => structuredClone(v);

function asEvent(parsed: ParsedWebhook): WebhookEvent {
  assert.equal(parsed.kind, 'event', JSON.stringify(parsed));
  return parsed as WebhookEvent;
}
function reasonOf(parsed: ParsedWebhook): string {
  assert.equal(parsed.kind, 'ignored', JSON.stringify(parsed));
  return (parsed as { reason: string }).reason;
}
const gh = (event: string) => ({ 'X-GitHub-Event': event, 'X-GitHub-Delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958' });

test('github push to a branch → push with head commit, author and changed files', () => {
  const body = github('push', (e) => e.ref === 'refs/heads/master');
  const parsed = asEvent(parseWebhook('github', gh('push'), body));
  assert.equal(parsed.deliveryId, '72d3162e-cc78-11e3-81ab-4c9367dc0958');
  assert.equal(parsed.forgeEvent, 'push');
  assert.equal(parsed.ref, 'refs/heads/master');
  assert.equal(parsed.before, '0000000000000000000000000000000000000000');
  assert.equal(parsed.after, '6113728f27ae82c7b1a177c8d03f9e96e0adf246');
  assert.equal(parsed.deleted, false);
  assert.equal(parsed.cloneUrlFromPayload, 'https://github.com/Codertocat/Hello-World.git');
  assert.deepEqual(parsed.event, {
    name: 'push',
    branch: 'master',
    sha: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
    message: 'Initial commit',
    author: 'Codertocat <21031067+Codertocat@users.noreply.github.com>',
    repository: 'Codertocat/Hello-World',
    changedFiles: ['README.md'],
  });
});

test('github push of a tag → tag; tag deletion → ignored', () => {
  const created = asEvent(parseWebhook('github', gh('push'), github('push', (e) => e.ref === 'refs/tags/simple-tag' && e.deleted === false)));
  assert.equal(created.event.name, 'tag');
  assert.equal(created.event.tag, 'simple-tag');
  assert.equal(created.event.sha, '6113728f27ae82c7b1a177c8d03f9e96e0adf246');
  assert.equal(created.event.changedFiles, undefined);
  const deleted = github('push', (e) => e.deleted === true);
  assert.equal(reasonOf(parseWebhook('github', gh('push'), deleted)), 'tag deleted');
});

test('github push deleting a branch → ignored "branch deleted"', () => {
  // GitHub's examples only delete a tag; the same payload for refs/heads/ is a branch deletion.
  const body = clone(github('push', (e) => e.deleted === true));
  body.ref = 'refs/heads/feature';
  assert.equal(reasonOf(parseWebhook('github', gh('push'), body)), 'branch deleted');
});

test('github ping → ping; issues → ignored', () => {
  const ping = parseWebhook('github', gh('ping'), github('ping', () => true));
  assert.deepEqual(ping, { kind: 'ping', deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958', forgeEvent: 'ping' });
  assert.match(reasonOf(parseWebhook('github', gh('issues'), github('issues', (e) => e.action === 'opened'))), /'issues' does not start runs/);
});

test('github pull_request opened / synchronize → pull_request; closed, labeled → ignored', () => {
  const opened = asEvent(parseWebhook('github', gh('pull_request'), github('pull_request', (e) => e.action === 'opened')));
  assert.equal(opened.event.name, 'pull_request');
  assert.equal(opened.event.branch, 'changes');
  assert.equal(opened.event.baseBranch, 'master');
  assert.equal(opened.event.fromFork, false);
  assert.equal(opened.ref, 'refs/pull/2/head');
  assert.equal(opened.event.pullRequest, 2, 'the number scopes the request\'s cache');
  assert.equal(opened.event.sha, opened.after);

  const sync = asEvent(parseWebhook('github', gh('pull_request'), github('pull_request', (e) => e.action === 'synchronize')));
  assert.equal(sync.event.sha, 'ec26c3e57ca3a959ca5aad62de7213c562f8c821');
  assert.equal(sync.before, 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e');

  for (const action of ['closed', 'labeled']) {
    const body = github('pull_request', (e) => e.action === action);
    assert.equal(reasonOf(parseWebhook('github', gh('pull_request'), body)), `pull request action '${action}' does not build`);
  }
});

test('github pull_request from a fork, or from a deleted fork, is fromFork', () => {
  const body = clone(github('pull_request', (e) => e.action === 'opened'));
  const head = (body.pull_request as { head: { repo: Record<string, unknown> | null } }).head;
  head.repo = { ...head.repo, id: 999, full_name: 'someone/Hello-World' };
  assert.equal(asEvent(parseWebhook('github', gh('pull_request'), body)).event.fromFork, true);
  head.repo = null;
  assert.equal(asEvent(parseWebhook('github', gh('pull_request'), body)).event.fromFork, true);
});

const giteaHeaders = (event: string) => ({ 'X-Gitea-Event': event, 'X-Gitea-Event-Type': event, 'X-Gitea-Delivery': 'f6266f16-1bf3-46a5-9ea4-602e06ead473' });

test('gitea push → push with the union of changed files over all commits', () => {
  const parsed = asEvent(parseWebhook('gitea', giteaHeaders('push'), fixture('gitea/push.json')));
  assert.equal(parsed.deliveryId, 'f6266f16-1bf3-46a5-9ea4-602e06ead473');
  assert.deepEqual(parsed.event, {
    name: 'push',
    branch: 'main',
    sha: 'bffeb74224043ba2feb48d137756c8a9331c449a',
    message: 'Drop the old logger\n\nIt wrote to a file nobody read.\n',
    author: 'Alice Example <alice@example.com>',
    repository: 'alice/webapp',
    changedFiles: ['package.json', 'src/health.ts', 'src/old-logger.ts', 'src/server.ts'],
  });
  assert.equal(parsed.cloneUrlFromPayload, 'https://gitea.example.com/alice/webapp.git');
});

test('gitea: truncated commit list → changedFiles unknown; Forgejo headers; tag push; deletion', () => {
  const truncated = fixture('gitea/push.json');
  truncated.total_commits = 40;
  assert.equal(asEvent(parseWebhook('gitea', giteaHeaders('push'), truncated)).event.changedFiles, undefined);

  const forgejo = parseWebhook('gitea', { 'X-Forgejo-Event': 'push', 'X-Forgejo-Delivery': 'abc' }, fixture('gitea/push.json'));
  assert.equal(asEvent(forgejo).deliveryId, 'abc');

  const tag = fixture('gitea/push.json');
  tag.ref = 'refs/tags/v1.2.0';
  const parsedTag = asEvent(parseWebhook('gitea', giteaHeaders('push'), tag));
  assert.deepEqual([parsedTag.event.name, parsedTag.event.tag], ['tag', 'v1.2.0']);

  const gone = fixture('gitea/push.json');
  gone.after = '0000000000000000000000000000000000000000';
  assert.equal(reasonOf(parseWebhook('gitea', giteaHeaders('push'), gone)), 'branch deleted');
});

test('gitea pull_request opened, and synchronized from a fork', () => {
  const opened = asEvent(parseWebhook('gitea', giteaHeaders('pull_request'), fixture('gitea/pull_request.json')));
  assert.deepEqual(opened.event, {
    name: 'pull_request',
    branch: 'feature/health',
    baseBranch: 'main',
    sha: '4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39',
    fromFork: false,
    repository: 'alice/webapp',
    pullRequest: 5,
  });
  assert.equal(opened.ref, 'refs/pull/5/head');

  const fork = asEvent(parseWebhook('gitea', giteaHeaders('pull_request'), fixture('gitea/pull_request-fork-synchronized.json')));
  assert.equal(fork.event.fromFork, true);
  assert.equal(fork.event.branch, 'fix-typo');
  assert.equal(fork.cloneUrlFromPayload, 'https://gitea.example.com/bob/webapp.git');

  const closed = fixture('gitea/pull_request.json');
  closed.action = 'closed';
  assert.equal(reasonOf(parseWebhook('gitea', giteaHeaders('pull_request'), closed)), "pull request action 'closed' does not build");
  // GitHub's spelling is not Gitea's: a Gitea payload never says `synchronize`.
  closed.action = 'synchronize';
  assert.equal(parseWebhook('gitea', giteaHeaders('pull_request'), closed).kind, 'ignored');
});

const gitlabHeaders = (event: string, extra: Record<string, string> = {}) => ({
  'X-Gitlab-Event': event,
  'X-Gitlab-Event-UUID': '13792a34-cac6-4fda-95a8-c58e00a3954e',
  ...extra,
});

test('gitlab Push Hook → push; its documented truncated commit list leaves changedFiles unknown', () => {
  const parsed = asEvent(parseWebhook('gitlab', gitlabHeaders('Push Hook'), fixture('gitlab/push.json')));
  assert.equal(parsed.deliveryId, '13792a34-cac6-4fda-95a8-c58e00a3954e');
  assert.deepEqual(parsed.event, {
    name: 'push',
    branch: 'master',
    sha: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
    message: 'fixed readme',
    author: 'GitLab dev user <gitlabdev@dv6700.(none)>',
    repository: 'mike/diaspora',
  });
  const complete = fixture('gitlab/push.json');
  complete.total_commits_count = 2;
  assert.deepEqual(asEvent(parseWebhook('gitlab', gitlabHeaders('Push Hook'), complete)).event.changedFiles, ['CHANGELOG', 'app/controller/application.rb']);
});

test('gitlab: Idempotency-Key (stable across retries) wins over the event UUID', () => {
  const parsed = parseWebhook('gitlab', gitlabHeaders('Push Hook', { 'Idempotency-Key': 'retry-stable-1' }), fixture('gitlab/push.json'));
  assert.equal(parsed.deliveryId, 'retry-stable-1');
});

test('gitlab Tag Push Hook → tag at checkout_sha; tag deletion → ignored', () => {
  const parsed = asEvent(parseWebhook('gitlab', gitlabHeaders('Tag Push Hook'), fixture('gitlab/tag_push.json')));
  assert.deepEqual(parsed.event, { name: 'tag', tag: 'v1.0.0', sha: '82b3d5ae55f7080f1e6022629cdb57bfae7cccc7', repository: 'jsmith/example' });
  const deleted = fixture('gitlab/tag_push.json');
  deleted.before = deleted.after;
  deleted.after = '0000000000000000000000000000000000000000';
  deleted.checkout_sha = null;
  assert.equal(reasonOf(parseWebhook('gitlab', gitlabHeaders('Tag Push Hook'), deleted)), 'tag deleted');
});

test('gitlab Merge Request Hook: open/reopen/update-with-commits build; other actions and edits do not', () => {
  const opened = asEvent(parseWebhook('gitlab', gitlabHeaders('Merge Request Hook'), fixture('gitlab/merge_request.json')));
  assert.deepEqual(opened.event, {
    name: 'pull_request',
    branch: 'ms-viewport',
    baseBranch: 'master',
    sha: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
    fromFork: false,
    message: 'fixed readme',
    author: 'GitLab dev user <gitlabdev@dv6700.(none)>',
    repository: 'awesome_space/awesome_project',
    pullRequest: 1,
  });
  assert.equal(opened.ref, 'refs/merge-requests/1/head');

  const mr = fixture('gitlab/merge_request.json');
  const attrs = mr.object_attributes as Record<string, unknown>;
  attrs.action = 'update';
  assert.equal(reasonOf(parseWebhook('gitlab', gitlabHeaders('Merge Request Hook'), mr)), 'merge request updated without new commits');
  attrs.oldrev = '95790bf891e76fee5e1747ab589903a6a1f80f22';
  attrs.source_project_id = 15;
  const pushed = asEvent(parseWebhook('gitlab', gitlabHeaders('Merge Request Hook'), mr));
  assert.equal(pushed.before, '95790bf891e76fee5e1747ab589903a6a1f80f22');
  assert.equal(pushed.event.fromFork, true);
  for (const action of ['close', 'merge', 'approved']) {
    attrs.action = action;
    assert.equal(reasonOf(parseWebhook('gitlab', gitlabHeaders('Merge Request Hook'), mr)), `merge request action '${action}' does not build`);
  }
});

test('gitlab other hooks → ignored; missing event header → invalid; broken body → invalid', () => {
  assert.match(reasonOf(parseWebhook('gitlab', gitlabHeaders('Issue Hook'), {})), /'Issue Hook' does not start runs/);
  assert.equal(parseWebhook('gitlab', {}, fixture('gitlab/push.json')).kind, 'invalid');
  assert.equal(parseWebhook('gitlab', gitlabHeaders('Push Hook'), { ref: 'refs/heads/x' }).kind, 'invalid');
  assert.equal(parseWebhook('github', gh('push'), 'not an object').kind, 'invalid');
  assert.equal(parseWebhook('github', gh('pull_request'), { action: 'opened' }).kind, 'invalid');
});

test('a delivery without an id gets a stable id derived from its payload', () => {
  const body = fixture('gitea/push.json');
  const a = parseWebhook('gitea', { 'X-Gitea-Event': 'push' }, body);
  const b = parseWebhook('gitea', { 'X-Gitea-Event': 'push' }, fixture('gitea/push.json'));
  assert.match(a.deliveryId, /^derived-[0-9a-f]{32}$/);
  assert.equal(a.deliveryId, b.deliveryId);
  body.after = '1111111111111111111111111111111111111111';
  assert.notEqual(parseWebhook('gitea', { 'X-Gitea-Event': 'push' }, body).deliveryId, a.deliveryId);
});
