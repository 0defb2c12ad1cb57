// Accounts as a user drives them: a real `gantry server` process and the real CLI as subprocesses.
// login saves a token (mode 0600) that later commands use; roles hold; logout revokes the token.
import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { TokenView, UserView } from '../../src/api-client/index.js';
import { cleanEnv, GANTRY_BIN, startServerProcess, type CliResult } from '../helpers/server-process.js';

const scratch = mkdtempSync(join(tmpdir(), 'gantry-auth-cli-'));
const ADMIN_PASSWORD = 'admin-password-for-tests';
let server: ChildProcess;
let url: string;
let serverStderr: () => string;

/** `gantry ARGS` with `input` on stdin, the config dir of `home` (one per simulated person). */
function gantry(home: string, args: string[], input = ''): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [GANTRY_BIN, ...args], { env: cleanEnv({ XDG_CONFIG_HOME: join(scratch, home), GANTRY_SERVER: url }), timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
    child.stdin!.end(input);
  });
}

before(async () => {
  const running = await startServerProcess(join(scratch, 'data'), { env: { GANTRY_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  server = running.child;
  url = running.url;
  serverStderr = running.stderr;
});

after(() => {
  if (server.exitCode === null) server.kill('SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

test('the admin password from GANTRY_ADMIN_PASSWORD is never printed; the generated admin token still is', () => {
  assert.ok(!serverStderr().includes(ADMIN_PASSWORD));
  assert.doesNotMatch(serverStderr(), /created the user `admin`/);
  assert.match(serverStderr(), /generated the admin API token/);
});

test('login, user and token commands against a real server; roles hold; logout revokes the saved token', async () => {
  const wrong = await gantry('admin', ['login', url, '--username', 'admin', '--password-stdin'], 'not-the-password\n');
  assert.equal(wrong.code, 2, wrong.stderr);
  assert.match(wrong.stderr, /AUTH_LOGIN_FAILED/);

  const login = await gantry('admin', ['login', url, '--username', 'admin', '--password-stdin'], `${ADMIN_PASSWORD}\n`);
  assert.equal(login.code, 0, login.stderr);
  const file = join(scratch, 'admin', 'gantry', 'credentials.json');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { servers: Record<string, { token: string; tokenId: number; username: string }> };
  const adminCredential = saved.servers[url]!;
  assert.equal(adminCredential.username, 'admin');
  assert.match(adminCredential.token, /^gantry_/);
  assert.ok(!login.stdout.includes(adminCredential.token), 'the token is not printed');

  // commands use the saved token (no --token, no GANTRY_TOKEN)
  const add = await gantry('admin', ['user', 'add', 'bob', '--password-stdin'], 'bob-password-123\n');
  assert.equal(add.code, 0, add.stderr);
  const users = JSON.parse((await gantry('admin', ['user', 'ls', '--json'])).stdout) as UserView[];
  assert.deepEqual(users.map((u) => [u.username, u.admin]), [['admin', true], ['bob', false]]);
  assert.equal((await gantry('admin', ['project', 'add', 'web', '--repo', join(scratch, 'web.git')])).code, 0);
  const role = await gantry('admin', ['user', 'role', 'bob', 'web', 'viewer']);
  assert.equal(role.code, 0, role.stderr);
  assert.match(role.stdout, /bob is viewer of web/);

  const created = await gantry('admin', ['token', 'create', 'ci', '--expires-in', '30d', '--scope', 'read', '--json']);
  assert.equal(created.code, 0, created.stderr);
  const ci = JSON.parse(created.stdout) as TokenView & { token: string };
  const listed = JSON.parse((await gantry('admin', ['token', 'ls', '--json'])).stdout) as TokenView[];
  assert.deepEqual(listed.map((t) => [t.name, t.scope]).sort(), [['ci', 'read'], [listed.find((t) => t.id === adminCredential.tokenId)!.name, 'write']].sort());
  assert.equal((await gantry('admin', ['token', 'revoke', String(ci.id)])).code, 0);
  const revoked = await gantry('nobody', ['user', 'ls', '--token', ci.token]);
  assert.equal(revoked.code, 2);
  assert.match(revoked.stderr, /AUTH_INVALID_TOKEN/);

  // bob, a viewer: reads web, may not trigger it (403 → exit 2), may not list users
  assert.equal((await gantry('bob', ['login', '--username', 'bob', '--password-stdin'], 'bob-password-123')).code, 0);
  const runs = await gantry('bob', ['runs', 'web', '--json']);
  assert.equal(runs.code, 0, runs.stderr);
  const trigger = await gantry('bob', ['trigger', 'web']);
  assert.equal(trigger.code, 2);
  assert.match(trigger.stderr, /AUTH_FORBIDDEN/);
  assert.match((await gantry('bob', ['user', 'ls'])).stderr, /AUTH_FORBIDDEN/);

  // logout forgets the token and revokes it on the server
  const bobToken = (JSON.parse(readFileSync(join(scratch, 'bob', 'gantry', 'credentials.json'), 'utf8')) as typeof saved).servers[url]!.token;
  const logout = await gantry('bob', ['logout']);
  assert.equal(logout.code, 0, logout.stderr);
  assert.deepEqual((JSON.parse(readFileSync(join(scratch, 'bob', 'gantry', 'credentials.json'), 'utf8')) as typeof saved).servers, {});
  const afterLogout = await gantry('nobody', ['runs', 'web', '--token', bobToken]);
  assert.equal(afterLogout.code, 2);
  assert.match(afterLogout.stderr, /AUTH_INVALID_TOKEN/);
  const anonymous = await gantry('bob', ['runs', 'web']);
  assert.match(anonymous.stderr, /AUTH_REQUIRED[\s\S]*gantry login/);
});
