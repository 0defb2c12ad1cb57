import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { GantryError, systemClock } from '../../core/index.js';
import type { GitEvent } from '../../pipeline/index.js';
import type { Project, Store } from '../../store/index.js';
import { openTempSqliteStore, type TempSqliteStore } from '../../store/sqlite/index.js';
import { createRepoMirrors } from '../repos/index.js';
import { createTestOrigin, type TestOrigin } from '../repos/test-origin.js';
import { createRunFromEvent, type CreateRunFromEvent } from './index.js';

const PIPELINE = `version: 1
on:
  push: { branches: [main], paths: ["src/**", ".gantry.yml"] }
  manual: {}
jobs:
  build:
    steps:
      - run: echo build
  deploy:
    needs: [build]
    if: git.branch == 'release'
    steps:
      - run: echo deploy
`;

let origin: TestOrigin;
let temp: TempSqliteStore;
let store: Store;
let createRun: CreateRunFromEvent;
let fetches = 0;
let projectCount = 0;

before(async () => {
  origin = createTestOrigin();
  temp = await openTempSqliteStore();
  store = temp.store;
  const repos = createRepoMirrors({
    dataDir: join(origin.scratch, 'data'),
    clock: systemClock,
    onGit: (args) => {
      if (args[0] === 'fetch') fetches++;
    },
  });
  createRun = createRunFromEvent({ store, repos, clock: systemClock });
});
after(async () => {
  await temp.cleanup();
  origin.cleanup();
});

async function newProject(repoUrl = origin.bare): Promise<Project> {
  projectCount++;
  return store.projects.create({ name: `p${projectCount}`, repoUrl, forge: 'generic' });
}

const push = (branch: string, sha: string, extra: Partial<GitEvent> = {}): GitEvent => ({ name: 'push', branch, sha, ...extra });
const webhook = { kind: 'push' as const, actor: 'alice', deliveryId: null };

test('push to main → queued run #1 with its jobs recorded; the next push → #2 (fetched, not re-cloned)', async () => {
  const first = origin.commit({ '.gantry.yml': PIPELINE, 'src/a.ts': '1' }, { message: 'add pipeline' });
  const project = await newProject();
  const r1 = await createRun(project, push('main', first, { message: 'from payload', author: 'Payload <p@example.com>' }), webhook);
  assert.ok(r1.created);
  assert.equal(r1.run.number, 1);
  assert.equal(r1.run.status, 'queued');
  assert.equal(r1.run.sha, first);
  assert.equal(r1.run.event.message, 'from payload', "the payload's message is kept");
  assert.equal(r1.run.plan?.file, '.gantry.yml');
  assert.deepEqual(r1.run.trigger, { kind: 'push', actor: 'alice', deliveryId: null });
  const jobs = await store.runs.listJobs(r1.run.id);
  assert.deepEqual(jobs.map((j) => [j.jobId, j.status]), [['build', 'queued'], ['deploy', 'skipped']]);
  assert.match(jobs[1]!.reason ?? '', /if/);
  assert.ok(jobs[0]!.queuedAt! > 0);

  const second = origin.commit({ 'src/a.ts': '2' }, { message: 'second' });
  const fetchesBefore = fetches;
  const r2 = await createRun(project, push('main', second), webhook, { before: first });
  assert.ok(r2.created);
  assert.equal(r2.run.number, 2);
  assert.equal(r2.run.event.message, 'second');
  assert.deepEqual(r2.run.event.changedFiles, ['src/a.ts']);
  assert.equal(fetches, fetchesBefore + 1);
});

test('paths filter: changed files computed from before..after decide; no run when nothing matches', async () => {
  const base = origin.commit({ '.gantry.yml': PIPELINE, 'src/p.ts': '1' }, { branch: 'main' });
  const project = await newProject();
  const docsOnly = origin.commit({ 'docs/readme.md': 'words' }, { branch: 'main' });
  const r = await createRun(project, push('main', docsOnly), webhook, { before: base });
  assert.equal(r.created, false);
  assert.ok(!r.created && /paths/.test(r.reason), !r.created ? r.reason : '');
  // A new branch (before = zeros): the file list is unknown, so path filters pass.
  const r2 = await createRun(project, push('main', docsOnly), webhook, { before: '0'.repeat(40) });
  assert.equal(r2.created, true);
});

test('a branch that does not match `on` creates no run and says why', async () => {
  const sha = origin.commit({ '.gantry.yml': PIPELINE }, { branch: 'feature/x' });
  const project = await newProject();
  const r = await createRun(project, push('feature/x', sha), webhook);
  assert.deepEqual(r, { created: false, reason: "event push on branch 'feature/x' does not match on.push.branches [main]" });
  assert.equal((await store.runs.list(project.id)).runs.length, 0);
});

test('a broken pipeline file → an error run with the diagnostics as the CLI prints them', async () => {
  const broken = 'version: 1\njobs:\n  a:\n    needs: [nope]\n    steps:\n      - run: x\n';
  const sha = origin.commit({ '.gantry.yml': broken }, { branch: 'broken' });
  const project = await newProject();
  const r = await createRun(project, push('broken', sha), webhook);
  assert.ok(r.created);
  assert.equal(r.run.status, 'error');
  assert.equal(r.run.plan, null);
  assert.ok(r.run.finishedAt !== null);
  assert.match(r.run.reason ?? '', /^\.gantry\.yml has 1 error:\n\.gantry\.yml:4:\d+: error PIPELINE_\w+ .*nope/);
  assert.deepEqual(await store.runs.listJobs(r.run.id), []);

  const yamlError = origin.commit({ '.gantry.yml': 'version: 1\njobs: [\n' }, { branch: 'broken' });
  const r2 = await createRun(project, push('broken', yamlError), webhook);
  assert.ok(r2.created && r2.run.status === 'error');
  assert.match(r2.run.reason ?? '', /\.gantry\.yml:\d+:\d+: error PIPELINE_/);
});

test('no pipeline file → error run; one file under .gantry/ is used; several are refused clearly', async () => {
  const none = origin.commit({ '.gantry.yml': null, 'readme.md': 'hi' }, { branch: 'nofile' });
  const project = await newProject();
  const r = await createRun(project, push('nofile', none), webhook);
  assert.ok(r.created);
  assert.equal(r.run.status, 'error');
  assert.match(r.run.reason ?? '', /no pipeline file at commit [0-9a-f]{12}: add \.gantry\.yml/);

  const one = origin.commit({ '.gantry/ci.yml': 'version: 1\njobs:\n  t: { steps: [{ run: x }] }\n' }, { branch: 'nofile' });
  const r2 = await createRun(project, push('nofile', one), webhook);
  assert.ok(r2.created);
  assert.equal(r2.run.status, 'queued');
  assert.equal(r2.run.plan?.file, '.gantry/ci.yml');

  const two = origin.commit({ '.gantry/deploy.yml': 'version: 1\njobs:\n  d: { steps: [{ run: x }] }\n' }, { branch: 'nofile' });
  const r3 = await createRun(project, push('nofile', two), webhook);
  assert.ok(r3.created && r3.run.status === 'error');
  assert.match(r3.run.reason ?? '', /found 2 pipeline files under \.gantry\/ \(\.gantry\/ci\.yml, \.gantry\/deploy\.yml\); only one pipeline file per project is supported yet/);

  const rootWins = origin.commit({ '.gantry.yml': 'version: 1\njobs:\n  root: { steps: [{ run: x }] }\n' }, { branch: 'nofile' });
  const r4 = await createRun(project, push('nofile', rootWins), webhook);
  assert.ok(r4.created && r4.run.status === 'queued');
  assert.deepEqual(r4.run.plan?.jobs.map((j) => j.id), ['root']);
});

test('a generic event with only ref + sha gets message and author from git', async () => {
  const sha = origin.commit({ '.gantry.yml': PIPELINE }, { message: 'Fix the thing\n\nLonger text', author: 'Grace <grace@example.com>' });
  const project = await newProject(origin.fileUrl);
  const r = await createRun(project, { name: 'push', branch: 'main', sha }, { kind: 'push', deliveryId: null });
  assert.ok(r.created);
  assert.equal(r.run.event.message, 'Fix the thing\n\nLonger text');
  assert.equal(r.run.event.author, 'Grace <grace@example.com>');
  assert.equal(r.run.event.repository, project.name);
  assert.equal(r.run.plan?.context.git.message, 'Fix the thing\n\nLonger text');
});

test('manual events without a sha build the branch head (default branch when none); each trigger is a new run', async () => {
  const head = origin.commit({ '.gantry.yml': PIPELINE }, { branch: 'main' });
  const project = await newProject();
  const manual = { kind: 'manual' as const, actor: 'admin' };
  const a = await createRun(project, { name: 'manual', sha: '' }, manual);
  const b = await createRun(project, { name: 'manual', sha: '', branch: 'main' }, manual);
  assert.ok(a.created && b.created);
  assert.equal(a.run.sha, head);
  assert.equal(a.run.branch, 'main');
  assert.equal(b.run.number, a.run.number + 1);
  await assert.rejects(
    createRun(project, { name: 'manual', sha: '', branch: 'no-such-branch' }, manual),
    (err: unknown) => err instanceof GantryError && err.code === 'GIT_UNKNOWN_REF',
  );
});

test('alreadySynced: a caller that just synced and pinned the commit causes no second fetch', async () => {
  const head = origin.commit({ '.gantry.yml': PIPELINE }, { branch: 'main' });
  const project = await newProject();
  const first = await createRun(project, { name: 'manual', sha: '' }, { kind: 'manual', actor: 'admin' });
  assert.ok(first.created);
  const before = fetches;
  const again = await createRun(project, { name: 'manual', sha: head, branch: 'main' }, { kind: 'manual', actor: 'admin' }, { alreadySynced: true });
  assert.ok(again.created);
  assert.equal(again.run.sha, head);
  assert.equal(fetches, before, 'no fetch');
});

test('bad values from an event never reach git; a commit missing from the repository → error run', async () => {
  origin.commit({ '.gantry.yml': PIPELINE }, { branch: 'main' });
  const project = await newProject();
  const bad = (err: unknown) => err instanceof GantryError && err.code === 'GIT_BAD_REF';
  await assert.rejects(createRun(project, { name: 'manual', sha: '', branch: 'main;rm -rf /' }, webhook), bad);
  await assert.rejects(createRun(project, { name: 'manual', sha: '', branch: '--upload-pack=x' }, webhook), bad);
  await assert.rejects(createRun(project, push('main', '--output=x'), webhook), bad);
  const ghost = 'd'.repeat(40);
  const r = await createRun(project, push('main', ghost), webhook);
  assert.ok(r.created && r.run.status === 'error');
  assert.match(r.run.reason ?? '', /commit d{40} is not in the repository/);
});

test('an unreachable repository fails with GIT_FETCH_FAILED and stores nothing', async () => {
  const project = await newProject(join(origin.scratch, 'does-not-exist.git'));
  await assert.rejects(
    createRun(project, push('main', 'a'.repeat(40)), webhook),
    (err: unknown) => err instanceof GantryError && err.code === 'GIT_FETCH_FAILED' && err.retryable,
  );
  assert.equal((await store.runs.list(project.id)).runs.length, 0);
});

test('a matching event whose jobs are all skipped at compile time is stored as a skipped run', async () => {
  const text = "version: 1\njobs:\n  only-on-release:\n    if: git.branch == 'release'\n    steps: [{ run: x }]\n";
  const sha = origin.commit({ '.gantry.yml': text }, { branch: 'allskip' });
  const project = await newProject();
  const r = await createRun(project, push('allskip', sha), webhook);
  assert.ok(r.created);
  assert.equal(r.run.status, 'skipped');
  assert.match(r.run.reason ?? '', /every job was skipped/);
  const jobs = await store.runs.listJobs(r.run.id);
  assert.deepEqual(jobs.map((j) => [j.jobId, j.status]), [['only-on-release', 'skipped']]);
});

test('a webhook for a commit already in the mirror fetches nothing; an unknown one fetches', async () => {
  const a = origin.commit({ '.gantry.yml': PIPELINE, 'src/a.ts': '1' }, { branch: 'main' });
  const project = await newProject();
  assert.ok((await createRun(project, push('main', a), webhook)).created);
  const b = origin.commit({ 'src/a.ts': '2' }, { branch: 'main' });
  const before = fetches;
  const rb = await createRun(project, push('main', b), webhook, { before: a });
  assert.ok(rb.created && rb.run.status === 'queued');
  assert.equal(fetches, before + 1, 'b was not in the mirror: fetched');
  // The same push again is no run (same-push.ts); a manual run of that commit is, and needs no fetch.
  assert.equal((await createRun(project, push('main', b), webhook, { before: a })).created, false);
  const again = await createRun(project, { name: 'manual', branch: 'main', sha: b }, { kind: 'manual', actor: 'admin' });
  assert.ok(again.created && again.run.sha === b);
  assert.equal(fetches, before + 1, 'b is known now: no fetch');
});

test('pipelineFile handed over by the caller is used instead of reading the file again', async () => {
  const head = origin.commit({ '.gantry.yml': PIPELINE }, { branch: 'main' });
  const project = await newProject();
  const other = PIPELINE.replace('echo build', 'echo from-caller');
  const r = await createRun(project, { name: 'manual', sha: head, branch: 'main' }, { kind: 'manual', actor: 'admin' }, {
    pipelineFile: { found: true, file: '.gantry.yml', text: other },
  });
  assert.ok(r.created);
  assert.match(JSON.stringify(r.run.plan), /from-caller/);
});
