// Approvals as a user meets them: a real `gantry server` process, the real CLI as subprocesses and a
// real bare repository. The project protects `production`; the deploy job waits until someone decides.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createApiClient, type ApiClient, type RunDetailView } from '../../src/api-client/index.js';
import { createTestOrigin, type TestOrigin } from '../../src/server/repos/test-origin.js';
import { waitFor } from '../helpers/service-harness.js';
import { runGantry, startServerProcess } from '../helpers/server-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'gantry-approvals-'));
const PIPELINE = `version: 1
on:
  api: {}
jobs:
  build:
    steps: [{ run: 'true' }]
  deploy:
    needs: [build]
    environment: production
    steps: [{ run: 'echo deploying' }]
  smoke:
    needs: [deploy]
    steps: [{ run: 'true' }]
`;

let server: ChildProcess;
let origin: TestOrigin;
let env: Record<string, string>;
let api: ApiClient;

const gantry = (args: string[], extra: Record<string, string> = env) => runGantry(args, extra);

before(async () => {
  origin = createTestOrigin();
  origin.commit({ '.gantry.yml': PIPELINE }, { message: 'deploy pipeline' });
  const running = await startServerProcess(dataDir, { args: ['--log-format', 'json'] });
  server = running.child;
  env = { GANTRY_SERVER: running.url, GANTRY_TOKEN: running.token };
  api = createApiClient({ baseUrl: running.url, token: running.token });
  await api.projects.create({ name: 'shop', repoUrl: origin.bare, settings: { protectedEnvironments: ['production'] } });
});

after(() => {
  if (server.exitCode === null) server.kill('SIGKILL');
  origin.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

async function triggerAndWaitAtGate(): Promise<RunDetailView> {
  const run = await api.runs.trigger('shop', { event: 'api' });
  return waitFor('deploy to wait for approval', async () => {
    const now = await api.runs.get('shop', run.number);
    const deploy = now.jobs.find((j) => j.id === 'deploy');
    return deploy?.status === 'waiting' && deploy.reason === 'approval required (environment production)' ? now : undefined;
  }, 30_000);
}

const ended = (number: number) =>
  waitFor(`run #${number} to end`, async () => {
    const run = await api.runs.get('shop', number);
    return ['success', 'failure', 'canceled', 'error'].includes(run.status) ? run : undefined;
  }, 30_000);

test('gantry run approve lets the waiting deploy run; the decision shows on the run', async () => {
  const run = await triggerAndWaitAtGate();
  assert.equal(run.jobs.find((j) => j.id === 'deploy')?.environment, 'production');
  const approve = await gantry(['run', 'approve', 'shop', String(run.number), '--comment', 'release 1.4']);
  assert.equal(approve.code, 0, approve.stderr);
  assert.match(approve.stdout, /approved job deploy of run #\d+/);
  const done = await ended(run.number);
  assert.equal(done.status, 'success');
  const deploy = done.jobs.find((j) => j.id === 'deploy')!;
  assert.equal(deploy.approval?.decision, 'approved');
  assert.equal(deploy.approval?.comment, 'release 1.4');
  assert.match(deploy.approval?.actor ?? '', /admin/);
  const lines = (await api.runs.logs('shop', run.number, 'deploy')).lines.map((l) => l.line);
  assert.ok(lines.includes('deploying'), lines.join('\n'));

  const again = await gantry(['run', 'reject', 'shop', String(run.number), 'deploy']);
  assert.equal(again.code, 2, 'a second decision is refused (409 → exit 2)');
  assert.match(again.stderr, /already/);
});

test('gantry run reject fails the deploy with who and why; the jobs after it are skipped', async () => {
  const run = await triggerAndWaitAtGate();
  const reject = await gantry(['run', 'reject', 'shop', String(run.number), 'deploy', '--comment', 'not on a Friday', '--json']);
  assert.equal(reject.code, 0, reject.stderr);
  assert.equal((JSON.parse(reject.stdout) as RunDetailView).jobs.find((j) => j.id === 'deploy')?.approval?.decision, 'rejected');
  const done = await ended(run.number);
  assert.equal(done.status, 'failure');
  const deploy = done.jobs.find((j) => j.id === 'deploy')!;
  assert.equal(deploy.status, 'failure');
  assert.match(deploy.reason ?? '', /^rejected by .*admin.* \(environment production\): not on a Friday$/);
  assert.equal(done.jobs.find((j) => j.id === 'smoke')?.status, 'skipped');
});

test('approving without a credential is refused and changes nothing; with nothing waiting the CLI says so', async () => {
  const run = await triggerAndWaitAtGate();
  const anonymous = await gantry(['run', 'approve', 'shop', String(run.number)], { GANTRY_SERVER: env.GANTRY_SERVER! });
  assert.equal(anonymous.code, 2, anonymous.stderr);
  assert.equal((await api.runs.get('shop', run.number)).jobs.find((j) => j.id === 'deploy')?.status, 'waiting');
  await api.runs.cancel('shop', run.number);
  await ended(run.number);
  const nothing = await gantry(['run', 'approve', 'shop', String(run.number)]);
  assert.equal(nothing.code, 2);
  assert.match(nothing.stderr, /no job of this run waits for approval/);
});
