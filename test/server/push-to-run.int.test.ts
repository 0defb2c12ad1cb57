// A real `gantry server` process, the real CLI, a real bare repository with Gantry's post-receive
// hook: `git push` → hook → signed generic webhook → run, visible through `gantry runs` / `run show`.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RunDetailView, RunView } from '../../src/api-client/index.js';
import { createTestOrigin, type TestOrigin } from '../../src/server/repos/test-origin.js';
import { runGantry, startServerProcess } from '../helpers/server-process.js';
import { PIPELINE } from './helpers/harness.js';

const dataDir = mkdtempSync(join(tmpdir(), 'gantry-push-'));
const SECRET = 'post-receive-secret';
const gantry = runGantry;

let server: ChildProcess;
let origin: TestOrigin;
let url = '';
let env: Record<string, string>;

before(async () => {
  origin = createTestOrigin();
  const running = await startServerProcess(dataDir, { args: ['--log-format', 'json'] });
  server = running.child;
  url = running.url;
  env = { GANTRY_SERVER: url, GANTRY_TOKEN: running.token };
});

after(() => {
  if (server.exitCode === null) server.kill('SIGKILL');
  origin.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

test('git push to a bare repository with the post-receive hook → run #1 of the pushed commit', async () => {
  const add = await gantry(['project', 'add', 'site', '--repo', origin.bare, '--secret', SECRET], env);
  assert.equal(add.code, 0, add.stderr);
  const install = await gantry(['hooks', 'install', '--post-receive', '--server', url, '--project', 'site', '--repo', origin.bare, '--secret', SECRET]);
  assert.equal(install.code, 0, install.stderr);

  // The push returns after the post-receive hook has run (it notifies the server, bounded in time).
  const sha = origin.commit({ '.gantry.yml': PIPELINE, 'index.html': '<h1>hi</h1>\n' }, { message: 'first page' });

  const runs = await gantry(['runs', 'site', '--json'], env);
  assert.equal(runs.code, 0, runs.stderr);
  const list = JSON.parse(runs.stdout) as RunView[];
  assert.equal(list.length, 1, runs.stdout);
  assert.deepEqual([list[0]!.number, list[0]!.event, list[0]!.branch, list[0]!.sha, list[0]!.message], [1, 'push', 'main', sha, 'first page']);

  const table = await gantry(['runs', 'site'], env);
  assert.match(table.stdout, /^#\s+STATUS\s+EVENT\s+REF\s+COMMIT\s+CREATED\s+TOOK\s+MESSAGE\n1\s+\w+\s+push\s+main\s+[0-9a-f]{8}\s/);

  const show = await gantry(['run', 'show', 'site', '1', '--json'], env);
  assert.equal(show.code, 0, show.stderr);
  const detail = JSON.parse(show.stdout) as RunDetailView;
  assert.deepEqual(detail.jobs.map((j) => j.id), ['build', 'test']);
  assert.ok(detail.trigger.delivery !== null, 'made by a webhook delivery');
  const text = await gantry(['run', 'show', 'site', '1'], env);
  assert.match(text.stdout, /^run #1 of site: \w+\n {2}push main @ [0-9a-f]{12} {2}first page\n/);
  assert.match(text.stdout, /\njobs:\n {2}build\s/);
});

test('gantry trigger with an input → the next run; a bad input is a clear error', async () => {
  const started = await gantry(['trigger', 'site', '--input', 'target=production'], env);
  assert.equal(started.code, 0, started.stderr);
  assert.match(started.stdout, /^started run #2 of site \(manual, main @ [0-9a-f]{12}\): \w+\n/);
  const bad = await gantry(['trigger', 'site', '--input', 'target=moon'], env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^gantry: error RUN_BAD_INPUT: the inputs do not fit \.gantry\.yml:\n\.gantry\.yml:\d+:\d+: error PIPELINE_BAD_INPUT .*moon/);
  const missing = await gantry(['run', 'show', 'site', '9'], env);
  assert.match(missing.stderr, /RUN_NOT_FOUND: project site has no run #9\n {2}hint: list the runs with `gantry runs PROJECT`/);
});

test('gantry run retry starts the next run of the same commit; cancel of a finished run is a clear 409 (exit 2)', async () => {
  const list = async () => JSON.parse((await gantry(['runs', 'site', '--json'], env)).stdout) as RunView[];
  const deadline = Date.now() + 20_000;
  while ((await list()).some((r) => ['queued', 'running', 'waiting'].includes(r.status))) {
    assert.ok(Date.now() < deadline, 'runs did not finish');
    await new Promise((r) => setTimeout(r, 100));
  }
  const before = await list();
  const newest = before[0]!;
  const retried = await gantry(['run', 'retry', 'site', String(newest.number), '--json'], env);
  assert.equal(retried.code, 0, retried.stderr);
  const run = JSON.parse(retried.stdout) as RunDetailView;
  assert.equal(run.number, newest.number + 1);
  assert.equal(run.sha, newest.sha);
  const cancel = await gantry(['run', 'cancel', 'site', String(newest.number)], env);
  assert.equal(cancel.code, 2);
  assert.match(cancel.stderr, /RUN_ALREADY_FINISHED/);
});
