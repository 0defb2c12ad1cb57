// Security tests of JWT access tokens: each test tries one attack on the real HTTP app and must get 401.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SignJWT, importPKCS8 } from 'jose';
import type { MeView } from '../../src/api-client/index.js';
import { loadJwtKey } from '../../src/server/index.js';
import type { User } from '../../src/store/index.js';
import { bearer, codeOf, JWT_KEY, loginOf, startAccountsApp, type AccountsApp } from './helpers/accounts.js';

let t: AccountsApp;
let bob: User;
let root: User;

before(async () => {
  t = await startAccountsApp();
  bob = await t.user('bob', { role: 'viewer' });
  root = await t.user('root', { admin: true });
});
after(() => t.close());

const me = (token: string) => t.app.inject({ url: '/api/v1/me', headers: bearer(token) });

async function rejected(token: string): Promise<void> {
  const res = await me(token);
  assert.equal(res.statusCode, 401, res.body);
  assert.equal(codeOf(res), 'AUTH_INVALID_TOKEN');
  assert.equal(res.headers['www-authenticate'], 'Bearer');
}

/** Claims as the server issues them, for forging variants. */
function claims(userId: number, key: Parameters<SignJWT['sign']>[0] = JWT_KEY, alg = 'HS256') {
  const seconds = Math.floor(t.clock.now() / 1000);
  return {
    jwt: new SignJWT({}).setProtectedHeader({ alg, typ: 'JWT' }).setSubject(String(userId)).setIssuer('gantry').setAudience('gantry-api')
      .setIssuedAt(seconds).setNotBefore(seconds).setExpirationTime(seconds + 600),
    key,
  };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('JWT access tokens', () => {
  test('a login token works: GET /me answers the user', async () => {
    const login = loginOf(await t.login('bob'));
    assert.equal(login.tokenType, 'Bearer');
    const res = await me(login.accessToken);
    assert.equal(res.statusCode, 200, res.body);
    const view = res.json<MeView>();
    assert.deepEqual([view.username, view.admin, view.credential.kind, view.projects], ['bob', false, 'jwt', [{ project: 'alpha', role: 'viewer' }]]);
  });

  test('a token forged with the right claims and the right key is accepted (so the rejections below test the attack, not the forging)', async () => {
    const { jwt, key } = claims(bob.id);
    assert.equal((await me(await jwt.sign(key))).statusCode, 200);
  });

  test('alg none: an unsigned token claiming the admin is refused', async () => {
    const seconds = Math.floor(t.clock.now() / 1000);
    const payload = { sub: String(root.id), iss: 'gantry', aud: 'gantry-api', iat: seconds, nbf: seconds, exp: seconds + 600 };
    await rejected(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`);
    await rejected(`${b64({ alg: 'NONE', typ: 'JWT' })}.${b64(payload)}.`);
  });

  test('wrong key: a token signed with another HS256 secret is refused', async () => {
    const { jwt } = claims(root.id);
    await rejected(await jwt.sign(new TextEncoder().encode('another-secret-that-is-32-bytes-long!')));
  });

  test('HS/RS key confusion: an RS256 token (real RSA key) and an HS256 token keyed with the RSA public key are refused', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsa = await importPKCS8(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'RS256');
    await rejected(await claims(root.id, rsa, 'RS256').jwt.sign(rsa));
    const publicPem = new TextEncoder().encode(publicKey.export({ type: 'spki', format: 'pem' }).toString());
    await rejected(await claims(root.id, publicPem).jwt.sign(publicPem));
  });

  test('algorithm pinned: HS512 with the right key is refused too', async () => {
    await rejected(await claims(root.id, JWT_KEY, 'HS512').jwt.sign(JWT_KEY));
  });

  test('expired: a login token stops working after its lifetime (15 min)', async () => {
    const login = loginOf(await t.login('bob'));
    t.clock.advance(15 * 60_000 + 1000);
    try {
      await rejected(login.accessToken);
    } finally {
      t.clock.advance(-(15 * 60_000 + 1000));
    }
  });

  test('not yet valid: nbf in the future is refused', async () => {
    const seconds = Math.floor(t.clock.now() / 1000);
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(String(bob.id)).setIssuer('gantry').setAudience('gantry-api')
      .setIssuedAt(seconds).setNotBefore(seconds + 60).setExpirationTime(seconds + 600).sign(JWT_KEY);
    await rejected(token);
  });

  test('wrong audience is refused', async () => {
    const seconds = Math.floor(t.clock.now() / 1000);
    await rejected(await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(String(bob.id)).setIssuer('gantry').setAudience('other-api')
      .setIssuedAt(seconds).setNotBefore(seconds).setExpirationTime(seconds + 600).sign(JWT_KEY));
  });

  test('wrong issuer is refused', async () => {
    const seconds = Math.floor(t.clock.now() / 1000);
    await rejected(await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(String(bob.id)).setIssuer('someone-else').setAudience('gantry-api')
      .setIssuedAt(seconds).setNotBefore(seconds).setExpirationTime(seconds + 600).sign(JWT_KEY));
  });

  test('missing exp is refused', async () => {
    const seconds = Math.floor(t.clock.now() / 1000);
    await rejected(await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(String(bob.id)).setIssuer('gantry').setAudience('gantry-api')
      .setIssuedAt(seconds).setNotBefore(seconds).sign(JWT_KEY));
  });

  test("tampered payload: bob's token with its subject changed to the admin is refused", async () => {
    const [header, payload, signature] = loginOf(await t.login('bob')).accessToken.split('.');
    const claimsOf = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    await rejected(`${header}.${b64({ ...claimsOf, sub: String(root.id) })}.${signature}`);
  });
});

describe('JWT signing key file', () => {
  test('generated once with mode 0600, reused, and a group/world-readable file is tightened', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-jwt-key-'));
    try {
      const first = loadJwtKey(undefined, dir);
      assert.equal(first.length, 32);
      assert.equal(statSync(join(dir, 'jwt.key')).mode & 0o777, 0o600);
      assert.deepEqual(loadJwtKey(undefined, dir), first);
      chmodSync(join(dir, 'jwt.key'), 0o644);
      loadJwtKey(undefined, dir);
      assert.equal(statSync(join(dir, 'jwt.key')).mode & 0o777, 0o600);
      assert.deepEqual(loadJwtKey('s'.repeat(40), dir), new TextEncoder().encode('s'.repeat(40)));
      assert.ok(readFileSync(join(dir, 'jwt.key'), 'utf8').trim().length >= 43);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
