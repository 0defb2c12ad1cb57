// What one job attempt gets (createJobSecretsSource over a real SQLite store): only the secrets it
// names, project over instance, '' plus a warning for a missing one, nothing for a fork pull
// request or a computed name, and SECRET_UNREADABLE for a value moved to another row.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { GantryError } from '../../src/core/index.js';
import { compilePipeline, loadPipeline, type GitEvent, type Plan } from '../../src/pipeline/index.js';
import { createJobSecretsSource, SecretBox, sealContext } from '../../src/server/secrets/index.js';
import type { Project, Run } from '../../src/store/index.js';
import { openTempSqliteStore, type TempSqliteStore } from '../../src/store/sqlite/index.js';

const YAML = `version: 1
on: { push: {}, pull_request: {} }
jobs:
  deploy:
    steps:
      - run: ./deploy
        env: { A: "\${{ secrets.TOKEN }}", B: "\${{ secrets.SHARED }}", C: "\${{ secrets.MISSING }}" }
  test:
    steps:
      - run: npm test
  sneaky:
    steps:
      - run: echo "\${{ toJSON(secrets) }}"
`;

let temp: TempSqliteStore;
let project: Project;
const box = new SecretBox({ current: randomBytes(32), previous: [] });
const source = () => createJobSecretsSource({ secrets: temp.store.secrets, box });

function runOf(event: Partial<GitEvent>): Run & { plan: Plan } {
  const loaded = loadPipeline(YAML, '.gantry.yml');
  const full: GitEvent = { name: 'push', branch: 'main', sha: 'a'.repeat(40), ...event };
  const plan = compilePipeline(loaded.loaded!, full).plan!;
  return { event: full, plan } as unknown as Run & { plan: Plan };
}

async function put(scope: { kind: 'instance' } | { kind: 'project'; projectId: number }, name: string, value: string) {
  await temp.store.secrets.put(scope, name, box.seal(value, sealContext.secret(scope, name)));
}

before(async () => {
  temp = await openTempSqliteStore();
  project = await temp.store.projects.create({ name: 'web', repoUrl: '/x/web.git', forge: 'github' });
  const scope = { kind: 'project', projectId: project.id } as const;
  await put(scope, 'TOKEN', 'project-token');
  await put(scope, 'SHARED', 'project-shared');
  await put({ kind: 'instance' }, 'SHARED', 'instance-shared');
  await put({ kind: 'instance' }, 'UNUSED', 'instance-unused');
});
after(() => temp.cleanup());

test('the job gets exactly the secrets it names; project shadows instance; a missing one is a warning', async () => {
  const run = runOf({});
  const deploy = await source()(run, project, run.plan.jobs[0]!);
  assert.deepEqual(deploy.values, { SHARED: 'project-shared', TOKEN: 'project-token' });
  assert.equal(deploy.notices.length, 1);
  assert.match(deploy.notices[0]!, /^warning: no secret MISSING in project web or the instance; secrets\.MISSING evaluates to ''/);
  const plain = await source()(run, project, run.plan.jobs[1]!);
  assert.deepEqual(plain, { values: {}, notices: [] }, 'a job naming no secret gets none');
});

test('a computed reference gets nothing and a warning', async () => {
  const run = runOf({});
  const sneaky = await source()(run, project, run.plan.jobs[2]!);
  assert.deepEqual(sneaky.values, {});
  assert.match(sneaky.notices[0]!, /computed name or as a whole/);
});

test('a pull request from a fork gets nothing, and the notice lists what evaluates to empty', async () => {
  const run = runOf({ name: 'pull_request', baseBranch: 'main', fromFork: true });
  const got = await source()(run, project, run.plan.jobs[0]!);
  assert.deepEqual(got.values, {});
  assert.deepEqual(got.notices, ["secrets are not given to runs of pull requests from forks: secrets.MISSING, secrets.SHARED, secrets.TOKEN evaluate to ''"]);
  const sameRepo = await source()(runOf({ name: 'pull_request', baseBranch: 'main', fromFork: false }), project, run.plan.jobs[0]!);
  assert.equal(sameRepo.values.TOKEN, 'project-token', 'a pull request from a branch of the repository gets them');
});

test('a ciphertext copied from another row fails the attempt with SECRET_UNREADABLE', async () => {
  const [instanceRow] = await temp.store.secrets.getMany({ kind: 'instance' }, ['UNUSED']);
  await temp.store.secrets.put({ kind: 'project', projectId: project.id }, 'TOKEN', instanceRow!.sealed);
  const run = runOf({});
  await assert.rejects(source()(run, project, run.plan.jobs[0]!), (err: GantryError) => err.code === 'SECRET_UNREADABLE' && !err.message.includes('instance-unused'));
});
