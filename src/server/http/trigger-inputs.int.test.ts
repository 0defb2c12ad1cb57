// Pinning a manual/API trigger to a commit, with a real mirror of a real origin: what is fetched
// and when. A branch whose head (read from the origin on this machine) the mirror has is pinned
// without a fetch; a new head, a commit the mirror lacks or an origin that cannot be read that way
// is fetched first.
import assert from 'node:assert/strict';
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { systemClock, type GantryError } from '../../core/index.js';
import type { GitEvent } from '../../pipeline/index.js';
import type { Project } from '../../store/index.js';
import { openTempSqliteStore, type TempSqliteStore } from '../../store/sqlite/index.js';
import { createRepoMirrors, type RepoMirrors } from '../repos/index.js';
import { createTestOrigin, type TestOrigin } from '../repos/test-origin.js';
import { pinAndCheckTrigger } from './trigger-inputs.js';

const PIPELINE = `version: 1
on:
  api: { inputs: { level: { options: [low, high] } } }
jobs:
  a:
    steps:
      - run: echo a
`;

let origin: TestOrigin;
let temp: TempSqliteStore;
let repos: RepoMirrors;
const calls: string[][] = [];
const fetches = () => calls.filter((a) => a[0] === 'fetch' || a[0] === 'clone').length;

before(async () => {
  origin = createTestOrigin();
  temp = await openTempSqliteStore();
  repos = createRepoMirrors({ dataDir: join(origin.scratch, 'data'), clock: systemClock, readerIdleMs: 60_000, onGit: (args) => calls.push([...args]) });
});
after(async () => {
  await repos.close();
  await temp.cleanup();
  origin.cleanup();
});

let projects = 0;
const newProject = (repoUrl: string): Promise<Project> => temp.store.projects.create({ name: `t${++projects}`, repoUrl, forge: 'generic' });
const api = (extra: Partial<GitEvent> = {}): GitEvent => ({ name: 'api', sha: '', inputs: { level: 'low' }, ...extra });

test('the first trigger clones; triggers of an unchanged branch then start no fetch; a new head is fetched and pinned', async () => {
  const first = origin.commit({ '.gantry.yml': PIPELINE }, { message: 'one' });
  const project = await newProject(origin.bare);
  const pinned = await pinAndCheckTrigger(repos, project, api());
  assert.equal(pinned.event.sha, first);
  assert.equal(pinned.event.branch, 'main', 'the default branch when none is named');
  assert.equal(pinned.pipelineFile.found, true);
  assert.equal(fetches(), 1, 'the mirror was cloned');

  for (let i = 0; i < 3; i++) assert.equal((await pinAndCheckTrigger(repos, project, api())).event.sha, first);
  assert.equal(fetches(), 1, 'unchanged head: no fetch');

  const second = origin.commit({ 'b.txt': 'b' }, { message: 'two' });
  assert.equal((await pinAndCheckTrigger(repos, project, api())).event.sha, second, 'never a stale head');
  assert.equal(fetches(), 2, 'a new head is fetched');
  assert.equal((await pinAndCheckTrigger(repos, project, api({ branch: 'main' }))).event.sha, second);
  assert.equal(fetches(), 2);

  const feature = origin.commit({ 'c.txt': 'c' }, { branch: 'feature', message: 'three' });
  assert.equal((await pinAndCheckTrigger(repos, project, api({ branch: 'feature' }))).event.sha, feature);
  assert.equal(fetches(), 3, 'a branch the mirror has not seen is fetched');
  origin.tag('v1', second);
  assert.equal((await pinAndCheckTrigger(repos, project, api({ tag: 'v1' }))).event.sha, second, 'a tag on a commit the mirror has');
  assert.equal(fetches(), 3);
});

test('unknown branches and bad inputs are still refused; a bad input starts no fetch for a known head', async () => {
  origin.commit({ '.gantry.yml': PIPELINE }, { message: 'again' });
  const project = await newProject(origin.fileUrl);
  await pinAndCheckTrigger(repos, project, api());
  const before = fetches();
  await assert.rejects(pinAndCheckTrigger(repos, project, api({ inputs: { level: 'extreme' } })), (err: GantryError) => err.code === 'RUN_BAD_INPUT');
  assert.equal(fetches(), before);
  await assert.rejects(pinAndCheckTrigger(repos, project, api({ branch: 'nope' })), (err: GantryError) => err.code === 'GIT_UNKNOWN_REF');
  assert.equal(fetches(), before + 1, 'a branch the origin does not have: fetched, then refused');
});

test('an origin that is gone: the trigger falls back to the fetch, which says so (GIT_FETCH_FAILED)', async () => {
  origin.commit({ '.gantry.yml': PIPELINE }, { message: 'before the move' });
  const project = await newProject(origin.bare);
  await pinAndCheckTrigger(repos, project, api());
  const moved = `${origin.bare}-moved`;
  renameSync(origin.bare, moved);
  try {
    await assert.rejects(pinAndCheckTrigger(repos, project, api()), (err: GantryError) => err.code === 'GIT_FETCH_FAILED');
  } finally {
    renameSync(moved, origin.bare);
  }
});
