// First start: the admin user (password from the setting, or generated and returned once) and the
// bootstrap admin token, through setUpAccounts as `gantry server` calls it, against a real SQLite file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pino } from 'pino';
import { loadConfig, serverSettings } from '../../src/config/index.js';
import { ManualClock } from '../../src/core/index.js';
import { setUpAccounts, verifyPassword } from '../../src/server/auth/index.js';
import { openTempSqliteStore, type TempSqliteStore } from '../../src/store/sqlite/index.js';

const temps: TempSqliteStore[] = [];
after(async () => {
  for (const t of temps) await t.cleanup();
});

async function start(env: Record<string, string>) {
  const temp = await openTempSqliteStore();
  temps.push(temp);
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-bootstrap-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = loadConfig(serverSettings, { env: { ...env, GANTRY_DATA_DIR: dataDir }, flags: {}, context: { cwd: dataDir, isTty: false } });
  const lines: string[] = [];
  const run = () => setUpAccounts(temp.store, config, new ManualClock(), pino({ level: 'silent' }), (line) => lines.push(line));
  return { temp, dataDir, lines, run };
}

test('without GANTRY_ADMIN_PASSWORD: admin is created with a generated password, printed once; a restart prints nothing', async () => {
  const s = await start({});
  await s.run();
  const printed = s.lines[s.lines.indexOf(s.lines.find((l) => l.includes('created the user `admin`'))!) + 1]!.trim();
  const admin = await s.temp.store.users.getByUsername('admin');
  assert.equal(admin?.admin, true);
  assert.equal(await verifyPassword(printed, admin!.passwordHash), true);
  assert.ok(!admin!.passwordHash.includes(printed));
  assert.equal(statSync(join(s.dataDir, 'jwt.key')).mode & 0o777, 0o600);
  s.lines.length = 0;
  await s.run();
  assert.deepEqual(s.lines, []);
  assert.equal(await s.temp.store.users.count(), 1);
});

test('with GANTRY_ADMIN_PASSWORD: that password works and nothing about it is printed; later changes to the variable do not reset it', async () => {
  const s = await start({ GANTRY_ADMIN_PASSWORD: 'first-password', GANTRY_ADMIN_TOKEN: 'bootstrap-admin-token-value' });
  await s.run();
  assert.ok(!s.lines.some((l) => l.includes('admin`') || l.includes('first-password') || l.includes('bootstrap-admin-token-value')), s.lines.join('\n'));
  const admin = (await s.temp.store.users.getByUsername('admin'))!;
  assert.equal(await verifyPassword('first-password', admin.passwordHash), true);
  assert.equal(await verifyPassword('other-password', admin.passwordHash), false);
  const accounts = await s.run();
  const principal = await accounts.authenticators[1]!.authenticate('bootstrap-admin-token-value');
  assert.deepEqual(principal && [principal.admin, principal.userId], [true, null]);
});
