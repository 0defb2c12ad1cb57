// Secrets end to end with the real `gantry server` process, the real CLI and a real git repository:
// `gantry secret set` (stdin) → a run whose step echoes the secret stores `***`; only the job that
// names a secret gets it; project scope shadows instance scope; the value is in no API answer, no
// server log line (pino, debug) and no stored log line, and the database file holds only
// ciphertext; a pull request from a fork (Gitea's real fork payload, signed) gets no secrets and
// its log says why; `gantry server rotate-secret-key` keeps every value across a restart.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import type { JobView, LogPage, RunDetailView } from '../../src/api-client/index.js';
import { createTestOrigin, type TestOrigin } from '../../src/server/repos/test-origin.js';
import { cleanEnv, GANTRY_BIN, runGantry, startServerProcess, type CliResult, type ServerProcess } from '../helpers/server-process.js';
import { fixture } from './helpers/webhooks.js';

const dataDir = mkdtempSync(join(tmpdir(), 'gantry-secrets-run-'));
const ADMIN = `gantry_secrets-test-admin-${randomBytes(8).toString('hex')}`;
const HOOK_SECRET = `hook-${randomBytes(8).toString('hex')}`;
const TOKEN = `tok-${randomBytes(8).toString('hex')}`;
const INSTANCE_ONLY = `inst-${randomBytes(8).toString('hex')}`;
const SHADOW_INSTANCE = `shadow-instance-${randomBytes(6).toString('hex')}`;
const SHADOW_PROJECT = `shadow-project-${randomBytes(6).toString('hex')}`;
const VALUES = [TOKEN, INSTANCE_ONLY, SHADOW_INSTANCE, SHADOW_PROJECT, HOOK_SECRET];

// `tr` turns the shadowing value into a form the masker does not know, so the test can tell which
// scope won; every other echo must come out masked.
const PIPELINE = `version: 1
on:
  manual: {}
  pull_request: { branches: [main] }
jobs:
  uses:
    steps:
      - run: |
          echo "token=\${{ secrets.TOKEN }}"
          echo "instance=\${{ secrets.INSTANCE_ONLY }}"
          echo "missing=[\${{ secrets.NOPE }}]"
          echo "shadow=\${{ secrets.SHADOWED }}" | tr a-z A-Z
  plain:
    steps:
      - run: env | sort
`;

let origin: TestOrigin;
let server: ServerProcess;
const answers: string[] = [];
const serverOutput: string[] = [];
let env: Record<string, string>;

async function start(): Promise<void> {
  server = await startServerProcess(dataDir, { args: ['--log-format', 'json', '--log-level', 'debug'], env: { GANTRY_ADMIN_TOKEN: ADMIN } });
  env = { GANTRY_SERVER: server.url, GANTRY_TOKEN: ADMIN };
}

async function stop(): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
  serverOutput.push(server.stdout(), server.stderr());
}

/** `gantry ARGS` with `input` on its stdin (not a terminal). */
function gantryWithInput(args: string[], input: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [GANTRY_BIN, ...args], { env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

async function get<T>(path: string): Promise<T> {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  const text = await res.text();
  answers.push(text);
  assert.equal(res.status, 200, `${path}: ${text}`);
  return (res.headers.get('content-type') ?? '').includes('json') ? (JSON.parse(text) as T) : (text as T);
}

async function finished(number: number): Promise<RunDetailView> {
  for (let i = 0; i < 300; i++) {
    const run = await get<RunDetailView>(`/api/v1/projects/app/runs/${number}`);
    if (['success', 'failure', 'error', 'canceled', 'skipped'].includes(run.status)) return run;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`run #${number} did not finish`);
}

/** Every line of every job of a run, through the JSON and the raw log API. */
async function logsOf(number: number): Promise<Record<string, string[]>> {
  const jobs = await get<{ jobs: JobView[] }>(`/api/v1/projects/app/runs/${number}/jobs`);
  const out: Record<string, string[]> = {};
  for (const job of jobs.jobs) {
    out[job.id] = (await get<LogPage>(`/api/v1/projects/app/runs/${number}/jobs/${job.id}/logs?limit=1000`)).lines.map((l) => l.line);
    await get<string>(`/api/v1/projects/app/runs/${number}/jobs/${job.id}/logs/raw`);
  }
  return out;
}

before(async () => {
  origin = createTestOrigin();
  origin.commit({ '.gantry.yml': PIPELINE }, { message: 'pipeline with secrets' });
  await start();
  const add = await runGantry(['project', 'add', 'app', '--repo', origin.bare, '--forge', 'gitea', '--secret', HOOK_SECRET], env);
  assert.equal(add.code, 0, add.stderr);
});

after(async () => {
  if (server.child.exitCode === null) await stop();
  origin.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

test('gantry secret set (stdin) / ls: instance and project scope; ls shows names, never values', async () => {
  for (const [name, value, scope] of [
    ['TOKEN', TOKEN, ['--project', 'app']],
    ['SHADOWED', SHADOW_PROJECT, ['--project', 'app']],
    ['SHADOWED', SHADOW_INSTANCE, []],
    ['INSTANCE_ONLY', INSTANCE_ONLY, []],
  ] as const) {
    const set = await gantryWithInput(['secret', 'set', name, '--value-stdin', ...scope], `${value}\n`);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, new RegExp(`^set secret ${name} in (the instance|project app)\\n$`));
  }
  const ls = await runGantry(['secret', 'ls', '--project', 'app'], env);
  assert.match(ls.stdout, /^NAME\s+UPDATED\s+CREATED\nSHADOWED\s+\S+\s+\S+\nTOKEN\s/);
  const json = await runGantry(['secret', 'ls', '--json'], env);
  assert.deepEqual((JSON.parse(json.stdout) as { name: string }[]).map((s) => s.name), ['INSTANCE_ONLY', 'SHADOWED']);
  const refused = await runGantry(['secret', 'set', 'TOKEN', '--project', 'app'], env);
  assert.equal(refused.code, 2, 'no value source and stdin is not a terminal');
  assert.match(refused.stderr, /--value-stdin/);
  for (const out of [ls.stdout, json.stdout]) for (const value of VALUES) assert.ok(!out.includes(value));
});

test('a run: the referencing job sees its secrets masked as ***, project shadows instance; the other job gets none', async () => {
  const trigger = await runGantry(['trigger', 'app', '--json'], env);
  assert.equal(trigger.code, 0, trigger.stderr);
  const run = await finished((JSON.parse(trigger.stdout) as RunDetailView).number);
  assert.equal(run.status, 'success', JSON.stringify(run));
  const logs = await logsOf(run.number);
  const uses = logs.uses!;
  assert.ok(uses.includes('token=***'), uses.join('\n'));
  assert.ok(uses.includes('instance=***'), uses.join('\n'));
  assert.ok(uses.includes('missing=[]'), uses.join('\n'));
  assert.ok(uses.includes(`SHADOW=${SHADOW_PROJECT.toUpperCase()}`), 'the project secret shadows the instance one');
  assert.ok(uses.some((l) => /^warning: no secret NOPE in project app or the instance/.test(l)), uses.join('\n'));
  const plain = logs.plain!.join('\n');
  assert.match(plain, /^PATH=/m, 'env printed');
  assert.ok(!plain.includes('***') && !plain.includes('GANTRY_EXPR'), `a job naming no secret holds none:\n${plain}`);
});

test('a pull request from a fork (Gitea payload, signed) gets no secrets; the job log says why', async () => {
  const sha = origin.commit({ 'fix.txt': 'typo\n' }, { branch: 'fix-typo', message: 'fix typo' });
  const body = fixture('gitea/pull_request-fork-synchronized.json') as { pull_request: { head: Record<string, unknown>; base: Record<string, unknown> } };
  body.pull_request.head.ref = 'fix-typo';
  body.pull_request.head.sha = sha;
  body.pull_request.base.ref = 'main';
  const payload = JSON.stringify(body);
  const res = await fetch(`${server.url}/hooks/gitea/app`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-gitea-event': 'pull_request',
      'x-gitea-delivery': 'fork-1',
      'x-gitea-signature': createHmac('sha256', HOOK_SECRET).update(payload).digest('hex'),
    },
    body: payload,
  });
  answers.push(await res.text());
  assert.equal(res.status, 201, answers.at(-1));
  const run = await finished(2);
  assert.deepEqual([run.event, run.status], ['pull_request', 'success']);
  const uses = (await logsOf(2)).uses!;
  assert.ok(uses.some((l) => l.startsWith("secrets are not given to runs of pull requests from forks: secrets.INSTANCE_ONLY, secrets.NOPE, secrets.SHADOWED, secrets.TOKEN evaluate to ''")), uses.join('\n'));
  assert.ok(uses.includes('token=') && uses.includes('instance=') && uses.includes('SHADOW='), uses.join('\n'));
});

test('gantry server rotate-secret-key (server stopped): new key file 0600, values kept after a restart', async () => {
  await stop();
  const keyFile = join(dataDir, 'secret.key');
  const before = readFileSync(keyFile, 'utf8');
  const rotate = await runGantry(['server', 'rotate-secret-key', '--data-dir', dataDir]);
  assert.equal(rotate.code, 0, rotate.stderr);
  assert.match(rotate.stdout, /^re-encrypted 4 secret\(s\) and 1 webhook secret\(s\); the new key is in /);
  const afterText = readFileSync(keyFile, 'utf8');
  assert.notEqual(afterText, before);
  assert.equal(afterText.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length, 1, 'the old key is gone once every value moved');
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  await start();
  const trigger = await runGantry(['trigger', 'app', '--json'], env);
  const run = await finished((JSON.parse(trigger.stdout) as RunDetailView).number);
  assert.equal(run.status, 'success');
  const uses = (await logsOf(run.number)).uses!;
  assert.ok(uses.includes('token=***') && uses.includes(`SHADOW=${SHADOW_PROJECT.toUpperCase()}`), uses.join('\n'));
  await stop();
});

test('no value in any API answer, server log line, stored log line, or the database file', () => {
  const everything = answers.join('\n');
  const logs = serverOutput.join('\n');
  assert.ok(logs.includes('"msg":"secret set"'), 'the server did log the requests');
  const db = new Database(join(dataDir, 'gantry.db'), { readonly: true });
  const stored = (db.prepare('SELECT line FROM log_lines').all() as { line: string }[]).map((r) => r.line).join('\n');
  const sealed = (db.prepare('SELECT sealed FROM secrets').all() as { sealed: string }[]).map((r) => r.sealed);
  const hook = (db.prepare('SELECT webhook_secret FROM projects').get() as { webhook_secret: string }).webhook_secret;
  db.close();
  assert.ok(stored.includes('token=***'));
  assert.ok(sealed.length === 4 && sealed.every((s) => s.startsWith('gsk1:')) && hook.startsWith('gsk1:'));
  const files = ['gantry.db', 'gantry.db-wal'].map((f) => join(dataDir, f)).filter((f) => {
    try {
      return statSync(f).isFile();
    } catch {
      return false;
    }
  });
  for (const value of VALUES) {
    assert.ok(!everything.includes(value), 'an API answer leaks a value');
    assert.ok(!logs.includes(value), 'the server log leaks a value');
    if (value !== SHADOW_PROJECT) assert.ok(!stored.toUpperCase().includes(value.toUpperCase()), 'a stored log line leaks a value');
    for (const file of files) assert.ok(!readFileSync(file).includes(value), `${file} holds a value in plain text`);
  }
});
