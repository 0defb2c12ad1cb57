// A full disk under a real `gantry server` process: its data dir is a 16 MiB tmpfs mounted in a user
// and mount namespace of its own (no root needed; nothing is mounted outside the server's process),
// with 12 MiB of ballast. A job prints far more log than fits. What must happen: that job ends as an
// `error` that names the full disk (not "agent lost" after the lease lapses), the lines stored before
// are intact and in order, the rest of the run goes on, the server keeps serving, and once space is
// freed (the ballast removed) what waited is recorded and the next run works. The ballast is large
// because freeing a little is not enough: SQLite first needs room to checkpoint its WAL (a few MiB
// here) into the database file, and a freed 1 MiB was filled again by that at once.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createApiClient, type ApiClient, type RunDetailView } from '../../src/api-client/index.js';
import { createTestOrigin, type TestOrigin } from '../../src/server/repos/test-origin.js';
import { startServerProcess } from '../helpers/server-process.js';

const TOKEN = 'full-disk-test-admin-token-0123456789';
const PIPELINE = `version: 1
on:
  api: { inputs: { lines: { default: "100000" } } }
fail_fast: false
jobs:
  flood:
    steps:
      - run: seq "$LINES" | sed 's/$/ xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/'
        env: { LINES: "\${{ inputs.lines }}" }
  after:
    needs: [flood]
    if: always()
    checkout: false
    steps:
      - run: echo after the flood
`;

const dir = mkdtempSync(join(tmpdir(), 'gantry-full-disk-'));
const dataDir = join(dir, 'data');
let server: ChildProcess;
let output: () => string;
let url = '';
let api: ApiClient;
let origin: TestOrigin;

before(async () => {
  origin = createTestOrigin();
  origin.commit({ '.gantry.yml': PIPELINE }, { message: 'flood' });
  const running = await startServerProcess(dataDir, {
    env: { GANTRY_ADMIN_TOKEN: TOKEN },
    wrap: ['unshare', '-rm', 'sh', '-c', 'mkdir -p "$1" && mount -t tmpfs -o size=16m tmpfs "$1" && head -c 12582912 /dev/zero > "$1/ballast" && shift && exec "$@"', 'sh', dataDir],
  });
  server = running.child;
  output = () => running.stdout() + running.stderr();
  url = running.url;
  api = createApiClient({ baseUrl: url, token: TOKEN });
  await api.projects.create({ name: 'flood', repoUrl: origin.bare });
});

after(() => {
  if (server && server.exitCode === null) server.kill('SIGKILL');
  origin?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function until(what: string, check: () => Promise<RunDetailView | undefined>): Promise<RunDetailView> {
  for (const deadline = Date.now() + 90_000; ; await new Promise((r) => setTimeout(r, 200))) {
    const found = await check();
    if (found) return found;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}; the server said:\n${output().split('\n').filter((l) => !l.startsWith('{"level":30')).slice(-15).join('\n')}`);
  }
}

const job = (run: RunDetailView, id: string) => run.jobs.find((j) => j.id === id)!;

async function untilLogged(what: RegExp): Promise<void> {
  for (const deadline = Date.now() + 90_000; !what.test(output()); await new Promise((r) => setTimeout(r, 200))) {
    assert.ok(Date.now() < deadline, `the server never logged ${what}`);
  }
}

test('a job whose log fills the disk ends as an error naming it; stored lines stay whole; nothing recorded is lost; freed space makes the next run work', async () => {
  const { number } = await api.runs.trigger('flood', {});
  // The agent tries the refused lines again for 10 s, then gives the job up and says why.
  await untilLogged(/the server could not store this job's log: .*disk is full/);
  assert.equal((await fetch(`${url}/healthz`)).status, 200, 'the server keeps serving');
  // While the disk is full the run's records wait in memory. Space again: the ballast goes (seen
  // through the server's own mount namespace), and everything that waited is recorded, in order.
  rmSync(`/proc/${server.pid}/root${dataDir}/ballast`);
  const ended = await until('the run to end', async () => {
    const run = await api.runs.get('flood', number);
    return run.finishedAt !== null ? run : undefined;
  });
  const flood = job(ended, 'flood');
  assert.equal(flood.status, 'error', JSON.stringify(flood));
  assert.match(flood.reason ?? '', /^the server could not store this job's log: .*disk is full.* \(\d+ log lines not stored\)$/);
  const after = job(ended, 'after');
  // It ran after the flood either way; on a full disk it may fail, and then it says why.
  if (after.status !== 'success') assert.match(`${after.status} ${after.reason}`, /^error .*(no space left on device|disk is full)/i);

  // What was stored is a whole prefix of what the step printed: seq 1..n, lines 1..k in order.
  const stored = await api.runs.logs('flood', number, 'flood');
  assert.deepEqual(stored.lines.map((l) => l.seq), stored.lines.map((_, i) => i + 1), 'no gap, no duplicate');
  const printed = stored.lines.map((l) => l.line).filter((l) => / x+$/.test(l)).map((l) => Number(l.split(' ')[0]));
  assert.ok(printed.length > 0 && printed.length < 100_000, `${printed.length} lines stored`);
  assert.deepEqual(printed, printed.map((_, i) => i + 1));

  const small = await api.runs.trigger('flood', { inputs: { lines: '5' } });
  const next = await until('the next run to end', async () => {
    const run = await api.runs.get('flood', small.number);
    return run.finishedAt !== null ? run : undefined;
  });
  assert.equal(next.status, 'success', JSON.stringify(next.jobs.map((j) => [j.id, j.status, j.reason])));
  assert.equal((await api.runs.logs('flood', next.number, 'flood')).lines.filter((l) => / x+$/.test(l.line)).length, 5);
});
