// `gantry artifacts` and `gantry cache` as a user runs them: a real `gantry server` process whose embedded agent ran a
// job with an artifact, and the CLI as subprocesses against it.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ArtifactView, RunDetailView } from '../../api-client/index.js';
import { createTestOrigin, type TestOrigin } from '../../server/repos/test-origin.js';
import { runGantry, serverApi, startServerProcess } from '../../../test/helpers/server-process.js';

const PIPELINE = `version: 1
on: { api: {} }
jobs:
  build:
    cache: [{ key: site-v1, paths: [out] }]
    steps: [{ run: mkdir -p out && echo hello > out/hello.txt }]
    artifacts: { name: "site (en)", paths: [out/] }
`;

const dataDir = mkdtempSync(join(tmpdir(), 'gantry-artifacts-cli-'));
const downloads = mkdtempSync(join(tmpdir(), 'gantry-artifacts-dl-'));
let server: ChildProcess;
let origin: TestOrigin;
let env: Record<string, string>;

before(async () => {
  origin = createTestOrigin();
  origin.commit({ '.gantry.yml': PIPELINE }, { message: 'site' });
  const running = await startServerProcess(dataDir, { args: ['--log-format', 'json'] });
  server = running.child;
  env = { GANTRY_SERVER: running.url, GANTRY_TOKEN: running.token };
  const api = serverApi(running.url, running.token);
  assert.equal((await api('POST', '/projects', { name: 'site', repoUrl: origin.bare, forge: 'generic' })).status, 201);
  assert.equal((await api('POST', '/projects/site/runs', { event: 'api' })).status, 201);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const run = (await api('GET', '/projects/site/runs/1')).json as RunDetailView;
    if (run.status === 'success') break;
    assert.ok(!['failure', 'error', 'canceled'].includes(run.status) && Date.now() < deadline, `run #1 is ${run.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

after(() => {
  if (server.exitCode === null) server.kill('SIGKILL');
  origin.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(downloads, { recursive: true, force: true });
});

test('gantry artifacts lists a run\'s artifacts as a table and as JSON; download by name and by id checks the sha256', async () => {
  const json = await runGantry(['artifacts', 'site', '1', '--json'], env);
  assert.equal(json.code, 0, json.stderr);
  const [artifact] = JSON.parse(json.stdout) as ArtifactView[];
  assert.equal(artifact?.name, 'site (en)');
  const table = await runGantry(['artifacts', 'site', '1'], env);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^ID\s+JOB\s+NAME\s+SIZE\s+EXPIRES\n/);
  assert.match(table.stdout, new RegExp(`^${artifact.id}\\s+build\\s+site \\(en\\)\\s+\\d+ B\\s+\\d{4}-`, 'm'));

  const named = join(downloads, 'by-name.tgz');
  const byName = await runGantry(['artifacts', 'download', 'site', '1', 'site (en)', '-o', named], env);
  assert.equal(byName.code, 0, byName.stderr);
  assert.equal(createHash('sha256').update(readFileSync(named)).digest('hex'), artifact.sha256);
  const explicit = join(downloads, 'by-id.tgz');
  const byId = await runGantry(['artifacts', 'download', 'site', '1', String(artifact.id), '-o', explicit], env);
  assert.equal(byId.code, 0, byId.stderr);
  assert.match(byId.stderr, /downloaded site \(en\) .* from job build to /);
  assert.equal(createHash('sha256').update(readFileSync(explicit)).digest('hex'), artifact.sha256);
  assert.deepEqual(readdirSync(downloads).filter((name) => name.includes('.part')), [], 'no temp file left');
});

test('gantry artifacts download of an unknown artifact or run exits 2 with what exists, and writes no file', async () => {
  const out = join(downloads, 'none.tgz');
  const unknown = await runGantry(['artifacts', 'download', 'site', '1', 'nope', '-o', out], env);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /ARTIFACT_NOT_FOUND/);
  assert.match(unknown.stderr, /has no artifact "nope" \(it has: \d+ site \(en\)\)/);
  assert.equal(existsSync(out), false);
  const noRun = await runGantry(['artifacts', 'site', '9'], env);
  assert.equal(noRun.code, 2);
  assert.match(noRun.stderr, /RUN_NOT_FOUND/);
});

test('gantry cache ls shows the entry the run saved; gantry cache rm deletes it; a bad id is refused', async () => {
  const listed = await runGantry(['cache', 'ls', 'site', '--json'], env);
  assert.equal(listed.code, 0, listed.stderr);
  const { caches } = JSON.parse(listed.stdout) as { caches: { id: number; scope: string; key: string }[] };
  assert.deepEqual(caches.map((c) => [c.scope, c.key]), [['branch:main', 'site-v1']]);
  const table = await runGantry(['cache', 'ls', 'site'], env);
  assert.match(table.stdout, new RegExp(`^${caches[0]!.id}\\s+branch:main\\s+site-v1\\s+`, 'm'));
  assert.equal((await runGantry(['cache', 'rm', 'site', 'x1'], env)).code, 2, 'not an id');
  const removed = await runGantry(['cache', 'rm', 'site', String(caches[0]!.id)], env);
  assert.equal(removed.code, 0, removed.stderr);
  assert.match((await runGantry(['cache', 'ls', 'site'], env)).stdout, /site has no cache entries/);
  const again = await runGantry(['cache', 'rm', 'site', String(caches[0]!.id)], env);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /CACHE_NOT_FOUND/);
});
