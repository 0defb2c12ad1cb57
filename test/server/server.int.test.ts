// The real `gantry server` process on 127.0.0.1 and the real CLI as subprocesses: start on port 0,
// read the printed URL and token, add and list projects, wrong token and unreachable server,
// invalid settings, SIGTERM → exit 0 with the database intact.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { runGantry, startServerProcess, type ServerProcess } from '../helpers/server-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'gantry-int-'));
const gantry = runGantry;

let server: ChildProcess;
let url: string;
let token: string;
let running: ServerProcess;

before(async () => {
  running = await startServerProcess(dataDir);
  server = running.child;
  url = running.url;
  token = running.token;
});

after(() => {
  if (server.exitCode === null) server.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

test('the server prints its real URL and a generated token, once', () => {
  assert.doesNotMatch(url, /:0$/);
  assert.match(token, /^gantry_.{43}$/);
  assert.equal(running.stderr().split(token).length - 1, 1, 'the token is printed exactly once');
  assert.ok(!running.stdout().includes(token), 'and never logged');
});

test('gantry project add, then list --json (server and token from the environment)', async () => {
  const add = await gantry(['project', 'add', 'demo', '--repo', 'git@github.com:acme/demo.git', '--forge', 'github', '--secret', 'hook-secret', '--poll', '5m', '--server', url, '--token', token]);
  assert.equal(add.code, 0, add.stderr);
  assert.match(add.stdout, /^created project demo \(github, git@github\.com:acme\/demo\.git, branch main, polled every 300s\)/);
  assert.ok(add.stdout.includes(`webhook URL: ${url}/hooks/github/demo`));

  const list = await gantry(['project', 'list', '--json'], { GANTRY_SERVER: url, GANTRY_TOKEN: token });
  assert.equal(list.code, 0, list.stderr);
  const projects = JSON.parse(list.stdout) as { name: string; hasSecret: boolean; forge: string; secret?: string }[];
  assert.deepEqual(projects.map((p) => [p.name, p.forge, p.hasSecret]), [['demo', 'github', true]]);
  assert.ok(!list.stdout.includes('hook-secret'), 'the secret never comes back');

  const table = await gantry(['project', 'list'], { GANTRY_SERVER: url, GANTRY_TOKEN: token });
  assert.match(table.stdout, /^NAME\s+FORGE\s+BRANCH\s+POLL\s+REPO\ndemo\s+github\s+main\s+300s\s+git@github\.com:acme\/demo\.git\n$/);
});

test('a duplicate or invalid project is a clear error', async () => {
  const dup = await gantry(['project', 'add', 'demo', '--repo', '/srv/demo.git', '--server', url, '--token', token]);
  assert.equal(dup.code, 2);
  assert.match(dup.stderr, /^gantry: error PROJECT_EXISTS: a project named "demo" already exists/);
  const bad = await gantry(['project', 'add', 'Bad', '--repo', '-oProxyCommand=x', '--server', url, '--token', token]);
  assert.match(bad.stderr, /API_INVALID_REQUEST: name: .*; repoUrl: must not start with "-"/);
});

test('a wrong or missing token: clear error, hint and exit code 2', async () => {
  const wrong = await gantry(['project', 'list', '--server', url, '--token', 'gantry_wrong']);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /^gantry: error AUTH_INVALID_TOKEN: the token is not valid \(unknown, expired, revoked, or its user was removed\)\n {2}hint: the token is not known to http:/);
  const missing = await gantry(['project', 'add', 'needs-admin', '--repo', '/srv/x.git', '--server', url]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /AUTH_REQUIRED[\s\S]*hint: log in with `gantry login http:[^`]+`, or pass --token TOKEN \/ set GANTRY_TOKEN/);
});

test('an unreachable server: clear error and exit code 4', async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const result = await gantry(['project', 'list', '--server', `http://127.0.0.1:${port}`, '--token', token]);
  assert.equal(result.code, 4);
  assert.match(result.stderr, /API_UNREACHABLE: cannot reach the Gantry server at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)\n {2}hint: is `gantry server` running/);
});

test('invalid settings stop the server before it starts (exit 2), naming the setting and source', async () => {
  const result = await gantry(['server', '--listen', 'abc', '--data-dir', dataDir], { GANTRY_LEASE_TTL: 'soon' });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--listen="abc": expected HOST:PORT/);
  assert.match(result.stderr, /GANTRY_LEASE_TTL="soon": expected a duration/);
});

test('gantry server --help lists every setting with its variable', async () => {
  const help = await gantry(['server', '--help']);
  assert.equal(help.code, 0);
  for (const env of ['GANTRY_LISTEN', 'GANTRY_DATA_DIR', 'GANTRY_ADMIN_TOKEN', 'GANTRY_SHUTDOWN_GRACE', 'GANTRY_EMBEDDED_AGENT']) assert.ok(help.stdout.includes(env), env);
});

test('SIGTERM: exit 0, and the database opens with the project in it', async () => {
  const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
  server.kill('SIGTERM');
  assert.equal(await exited, 0, running.stderr());
  assert.match(running.stdout(), /"msg":"gantry server stopped"/);
  const store = await createSqliteStore({ file: join(dataDir, 'gantry.db') });
  try {
    const project = await store.projects.getByName('demo');
    assert.equal(project?.repoUrl, 'git@github.com:acme/demo.git');
    // Sealed at rest (docs/secrets.md): the database holds ciphertext, not the secret.
    assert.match(project?.webhookSecret ?? '', /^gsk1:/);
    assert.ok(!project?.webhookSecret?.includes('hook-secret'));
  } finally {
    await store.close();
  }
});
