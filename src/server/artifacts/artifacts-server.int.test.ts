// Caches and artifacts as a user meets them: a real `gantry server` process with its embedded agent,
// a real bare git repository, the runner packing and unpacking real archives, the API downloading.
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RunDetailView } from '../../api-client/index.js';
import { serverApi, startServerProcess, type ApiAnswer } from '../../../test/helpers/server-process.js';
import { createTestOrigin, type TestOrigin } from '../repos/test-origin.js';

const PIPELINE = `version: 1
on: { api: {} }
jobs:
  build:
    cache: [{ key: "deps-\${{ hashFiles('lock.txt') }}", fallback_keys: ["deps-"], paths: [.deps] }]
    steps:
      - run: if [ -f .deps/made ]; then echo "cache hit $(cat .deps/made)"; else mkdir -p .deps && echo first > .deps/made && echo "cache miss"; fi
      - run: mkdir -p out && echo built-by-build > out/app.txt
    artifacts: { name: app, paths: [out/] }
  use:
    needs: [build]
    steps:
      - run: cat out/app.txt
`;

const dataDir = mkdtempSync(join(tmpdir(), 'gantry-artifacts-server-'));
let server: ChildProcess;
let origin: TestOrigin;
let url: string;
let token: string;
let api: (method: string, path: string, body?: unknown) => Promise<ApiAnswer>;

before(async () => {
  origin = createTestOrigin();
  origin.commit({ '.gantry.yml': PIPELINE, 'lock.txt': 'v1\n' }, { message: 'artifacts' });
  const running = await startServerProcess(dataDir, { args: ['--log-format', 'json'] });
  ({ child: server, url, token } = running);
  api = serverApi(url, token);
  assert.equal((await api('POST', '/projects', { name: 'shop', repoUrl: origin.bare, forge: 'generic' })).status, 201);
});

after(() => {
  if (server.exitCode === null) server.kill('SIGKILL');
  origin.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

async function runToEnd(): Promise<RunDetailView> {
  const started = await api('POST', '/projects/shop/runs', { event: 'api' });
  assert.equal(started.status, 201, JSON.stringify(started.json));
  const { number } = started.json as RunDetailView;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const run = (await api('GET', `/projects/shop/runs/${number}`)).json as RunDetailView;
    if (['success', 'failure', 'error', 'canceled', 'skipped'].includes(run.status)) return run;
    assert.ok(Date.now() < deadline, `run #${number} still ${run.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const logOf = async (run: number, job: string): Promise<string> =>
  ((await api('GET', `/projects/shop/runs/${run}/jobs/${job}/logs`)).json as { lines: { line: string }[] }).lines.map((l) => l.line).join('\n');

test('an artifact reaches the job that needs it and downloads through the API; the cache is restored on the second run', async () => {
  const first = await runToEnd();
  assert.equal(first.status, 'success', JSON.stringify(first.jobs.map((j) => [j.id, j.status, j.reason])));
  assert.match(await logOf(first.number, 'build'), /cache miss/);
  assert.match(await logOf(first.number, 'use'), /built-by-build/, 'the needed job unpacked the artifact');

  const listed = await api('GET', `/projects/shop/runs/${first.number}/artifacts`);
  assert.equal(listed.status, 200);
  const [artifact, ...rest] = (listed.json as { artifacts: { id: number; jobId: string; name: string; sizeBytes: number; sha256: string }[] }).artifacts;
  assert.deepEqual(rest, []);
  assert.equal(artifact?.jobId, 'build');
  assert.equal(artifact.name, 'app');
  const download = await fetch(`${url}/api/v1/projects/shop/runs/${first.number}/artifacts/${artifact.id}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(download.status, 200);
  assert.equal(download.headers.get('content-disposition'), 'attachment; filename="app.tar.gz"; filename*=UTF-8\'\'app.tar.gz');
  const archive = Buffer.from(await download.arrayBuffer());
  assert.equal(archive.length, artifact.sizeBytes);
  assert.equal(createHash('sha256').update(archive).digest('hex'), artifact.sha256);
  const listing = spawnSync('tar', ['-tzf', '-'], { input: archive, encoding: 'utf8' });
  assert.equal(listing.status, 0, listing.stderr);
  assert.ok(listing.stdout.split('\n').some((entry) => /(^|\/)out\/app\.txt$/.test(entry)), listing.stdout);
  assert.equal((await api('GET', `/projects/shop/runs/${first.number}/artifacts/${artifact.id + 1000}`)).status, 404);

  const second = await runToEnd();
  assert.equal(second.status, 'success');
  assert.match(await logOf(second.number, 'build'), /cache hit first/, 'the first run\'s cache entry was restored');
  assert.equal(readdirSync(join(dataDir, 'caches')).length, 1, 'the exact key was hit: nothing saved again');
  assert.equal(readdirSync(join(dataDir, 'artifacts')).length, 2, 'one artifact file per run');
});
