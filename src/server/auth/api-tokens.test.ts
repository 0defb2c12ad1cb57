import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { openTempSqliteStore, type TempSqliteStore } from '../../store/sqlite/index.js';
import { createTokenAuthenticator, ENV_TOKEN_NAME, ensureAdminToken, generateToken, GENERATED_TOKEN_NAME, hashToken } from './api-tokens.js';

const temps: TempSqliteStore[] = [];
after(async () => {
  for (const temp of temps) await temp.cleanup();
});
async function temp(): Promise<TempSqliteStore> {
  const t = await openTempSqliteStore();
  temps.push(t);
  return t;
}

test('generated tokens: prefix, 32 random bytes, distinct', () => {
  const a = generateToken();
  assert.match(a, /^gantry_[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, generateToken());
  assert.equal(hashToken('x'), '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881');
});

test('first start generates one token; later starts do not', async () => {
  const t = await temp();
  const first = await ensureAdminToken(t.store.tokens, undefined);
  assert.ok(first.generated);
  const stored = await t.store.tokens.list();
  assert.deepEqual(stored.map((s) => [s.name, s.hash]), [[GENERATED_TOKEN_NAME, hashToken(first.generated)]]);
  const reopened = await t.reopen();
  assert.deepEqual(await ensureAdminToken(reopened.tokens, undefined), {});
  assert.equal((await reopened.tokens.list()).length, 1);
});

test('the token is stored only as its hash', async () => {
  const t = await temp();
  const { generated } = await ensureAdminToken(t.store.tokens, undefined);
  await t.store.close();
  const bytes = readFileSync(t.file).toString('latin1') + (() => {
    try {
      return readFileSync(`${t.file}-wal`).toString('latin1');
    } catch {
      return '';
    }
  })();
  assert.ok(!bytes.includes(generated!), 'plain token found in the database file');
  assert.ok(bytes.includes(hashToken(generated!)), 'hash expected in the database file');
});

test('GANTRY_ADMIN_TOKEN: stored hashed, idempotent, rotation revokes the old value, no generated token', async () => {
  const t = await temp();
  assert.deepEqual(await ensureAdminToken(t.store.tokens, 'first-admin-token-value'), {});
  assert.deepEqual(await ensureAdminToken(t.store.tokens, 'first-admin-token-value'), {});
  assert.deepEqual((await t.store.tokens.list()).map((s) => [s.name, s.hash]), [[ENV_TOKEN_NAME, hashToken('first-admin-token-value')]]);
  await ensureAdminToken(t.store.tokens, 'second-admin-token-value');
  const auth = createTokenAuthenticator(t.store.tokens, () => 0, () => {});
  assert.equal(await auth.authenticate('first-admin-token-value'), undefined);
  assert.equal((await auth.authenticate('second-admin-token-value'))?.name, ENV_TOKEN_NAME);
});

test('authenticator: known token → admin principal and lastUsedAt recorded; unknown → undefined', async () => {
  const t = await temp();
  const { generated } = await ensureAdminToken(t.store.tokens, undefined);
  const auth = createTokenAuthenticator(t.store.tokens, () => 1_000_000, () => {});
  const principal = await auth.authenticate(generated!);
  assert.deepEqual(principal && { ...principal, id: principal.id.replace(/\d+$/, 'N') }, {
    kind: 'token',
    id: 'token:N',
    name: GENERATED_TOKEN_NAME,
    userId: null,
    admin: true,
    scope: 'write',
  });
  assert.equal(await auth.authenticate(`${generated}x`), undefined);
  assert.equal(await auth.authenticate(''), undefined);
  // touch runs off the request's path; wait for it
  for (let i = 0; i < 2000 && (await t.store.tokens.list())[0]?.lastUsedAt === null; i++) await new Promise((r) => setTimeout(r, 5));
  assert.notEqual((await t.store.tokens.list())[0]?.lastUsedAt, null);
});
