// `gantry logs` as a user runs it: a real `gantry server` process, the real CLI as subprocesses,
// a real bare git repository. `-f` follows the job live until it ends.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import type { RunDetailView } from '../../src/api-client/index.js';
import { createTestOrigin, type TestOrigin } from '../../src/server/repos/test-origin.js';

const bin = fileURLToPath(new URL('../../bin/gantry.js', import.meta.url));
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

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('GANTRY_')) env[key] = value;
  return { ...env, ...extra };
}

let server: ChildProcess;
let origin: TestOrigin;
let env: Record<string, string>;

function gantry(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: cleanEnv(env), timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

before(async () => {
  origin = createTestOrigin();
  origin.commit({ '.gantry.yml': PIPELINE }, { message: 'logs' });
  server = spawn(process.execPath, [bin, 'server', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--log-format', 'json'], {
    env: cleanEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${stderr}`)), 20_000);
    server.once('exit', (code) => reject(new Error(`server exited ${code}:\n${stderr}`)));
    server.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const listening = /gantry server listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stderr);
      if (listening) {
        clearTimeout(timer);
        resolve(listening[1]!);
      }
    });
  });
  env = { GANTRY_SERVER: url, GANTRY_TOKEN: /^\s+(gantry_[A-Za-z0-9_-]+)$/m.exec(stderr)?.[1] ?? '' };
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
