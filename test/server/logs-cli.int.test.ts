// `gantry logs` as a user runs it: a real `gantry server` process, the real CLI as subprocesses,
// a real bare git repository. `-f` follows the job live until it ends.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RunDetailView } from '../../src/api-client/index.js';
import { createTestOrigin, type TestOrigin } from '../../src/server/repos/test-origin.js';
import { runGantry, startServerProcess } from '../helpers/server-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'gantry-logs-cli-'));
const PIPELINE = `version: 1
on:
  api: {}
jobs:
  talk:
    steps:
      - run: "for i in $(seq 1 20); do echo line $i; sleep 0.05; done"
  after:
    needs: [talk]
    steps:
      - run: "echo done; exit 3"
`;

let server: ChildProcess;
let origin: TestOrigin;
let env: Record<string, string>;

const gantry = (args: string[]) => runGantry(args, env);

before(async () => {
  origin = createTestOrigin();
  origin.commit({ '.gantry.yml': PIPELINE }, { message: 'logs' });
  const running = await startServerProcess(dataDir, { args: ['--log-format', 'json'] });
  server = running.child;
  env = { GANTRY_SERVER: running.url, GANTRY_TOKEN: running.token };
  const add = await gantry(['project', 'add', 'chatty', '--repo', origin.bare]);
  assert.equal(add.code, 0, add.stderr);
});

after(() => {
  if (server.exitCode === null) server.kill('SIGKILL');
  origin.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

const LINES = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
const echoed = (text: string) => text.split('\n').filter((l) => /^line \d+$/.test(l));

test('gantry logs -f follows a running job live and prints every line once; without JOB every job in order', async () => {
  const trigger = await gantry(['trigger', 'chatty', '--event', 'api', '--json']);
  assert.equal(trigger.code, 0, trigger.stderr);
  const run = JSON.parse(trigger.stdout) as RunDetailView;

  const follow = await gantry(['logs', 'chatty', String(run.number), 'talk', '-f']);
  assert.equal(follow.code, 0, follow.stderr);
  assert.deepEqual(echoed(follow.stdout), LINES);
  assert.match(follow.stderr, /job talk success/);

  const next = await gantry(['logs', 'chatty', String(run.number), 'after', '--follow']);
  assert.equal(next.code, 1, 'the followed job failed');
  assert.match(next.stdout, /^done$/m);
  assert.match(next.stderr, /job after failure/);

  const all = await gantry(['logs', 'chatty', `#${run.number}`]);
  assert.equal(all.code, 0, all.stderr);
  assert.ok(all.stdout.indexOf('==> job talk <==') < all.stdout.indexOf('==> job after <=='), all.stdout);
  assert.deepEqual(echoed(all.stdout), LINES);

  const json = await gantry(['logs', 'chatty', String(run.number), 'talk', '--json']);
  const seqs = json.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq);
  assert.deepEqual(seqs, seqs.map((_, i) => i + 1));
  assert.equal(seqs.length, follow.stdout.trim().split('\n').length, 'live and stored: the same number of lines');

  const missing = await gantry(['logs', 'chatty', String(run.number), 'nope', '-f']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no job "nope"/);
});

test('gantry trigger --follow shows the run live as gantry exec does and exits with its result', async () => {
  const follow = await gantry(['trigger', 'chatty', '--event', 'api', '--follow', '--no-color']);
  assert.equal(follow.code, 1, `the run failed (job after exits 3):\n${follow.stderr}`);
  const out = follow.stdout;
  assert.deepEqual(echoed(out.split('\n').map((l) => l.replace(/^\[talk\]\s*/, '')).join('\n')), LINES, out);
  assert.match(out, /\[after\].*done/);
  const lastLine = out.lastIndexOf('line 20');
  const talkDone = out.search(/\[talk\].*(success|✓)/);
  assert.ok(lastLine >= 0 && talkDone > lastLine, `talk's last line comes before it is marked done:\n${out}`);
  assert.ok(out.indexOf('[after]') > lastLine, 'after starts once talk ended');

  const json = await gantry(['trigger', 'chatty', '--event', 'api', '--follow', '--json']);
  assert.equal(json.code, 1, json.stderr);
  const events = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; job?: string; line?: string; stream?: string; seq: number; status?: string });
  assert.equal(events[0]?.type, 'run:started');
  assert.equal(events.at(-2)?.type, 'run:finished');
  assert.equal(events.at(-2)?.status, 'failure');
  assert.equal(events.at(-1)?.type, 'run:result');
  assert.deepEqual(events.filter((e) => e.type === 'log' && e.job === 'talk' && e.stream !== 'system').map((e) => e.line), LINES, 'every line once, in order');
  assert.deepEqual(events.slice(0, -1).map((e) => e.seq), events.slice(0, -1).map((_, i) => i + 1));
  const order = events.filter((e) => e.job === 'talk').map((e) => e.type);
  assert.equal(order.at(-1), 'job:finished');
  assert.ok(order.lastIndexOf('log') < order.indexOf('step:finished'), order.join(','));
});
