import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TokenStore } from '../../store/index.js';
import type { Authenticator, Principal } from '../http/auth.js';

/**
 * API tokens: `gantry_` + 32 random bytes (base64url). Only their sha256 is stored.
 *
 * Two kinds share the table: personal tokens of users (owner, scope, optional expiry; they carry at
 * most their owner's rights) and bootstrap admin tokens (no owner: GANTRY_ADMIN_TOKEN, or generated
 * at first start) which act as an instance admin — automation that must work before any user exists.
 */
export const TOKEN_PREFIX = 'gantry_';
export const ENV_TOKEN_NAME = 'admin (GANTRY_ADMIN_TOKEN)';
export const GENERATED_TOKEN_NAME = 'admin (generated at first start)';

export function generateToken(random: (size: number) => Buffer = randomBytes): string {
  return TOKEN_PREFIX + random(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Makes sure an admin token exists. With GANTRY_ADMIN_TOKEN: its hash is stored (replacing an
 * earlier GANTRY_ADMIN_TOKEN, so rotating the variable revokes the old value). Without: at first
 * start (no token stored at all) one is generated and returned — the caller prints it once; it is
 * never shown again. Idempotent across restarts.
 */
export async function ensureAdminToken(
  tokens: TokenStore,
  adminToken: string | undefined,
  generate: () => string = () => generateToken(),
): Promise<{ generated?: string }> {
  const existing = await tokens.list();
  if (adminToken !== undefined) {
    const hash = hashToken(adminToken);
    for (const token of existing) if (token.name === ENV_TOKEN_NAME && token.userId === null && token.hash !== hash) await tokens.delete(token.id);
    if (!existing.some((token) => token.hash === hash)) await tokens.create({ name: ENV_TOKEN_NAME, hash });
    return {};
  }
  if (existing.length > 0) return {};
  const generated = generate();
  await tokens.create({ name: GENERATED_TOKEN_NAME, hash: hashToken(generated) });
  return { generated };
}

/**
 * Bearer API tokens checked against the TokenStore. The lookup is by hash (so response time
 * does not depend on how much of a guessed token is right) and the found hash is compared again in
 * constant time; an expired token is unknown. The principal's owner is checked (exists, active) and
 * its admin flag read by the auth hook on every request. lastUsedAt is refreshed at most once a
 * minute per token, off the request's path.
 */
export function createTokenAuthenticator(tokens: TokenStore, now: () => number, onTouchError: (err: unknown) => void): Authenticator {
  const lastTouch = new Map<number, number>();
  return {
    async authenticate(credential) {
      const hash = hashToken(credential);
      const found = await tokens.findByHash(hash);
      if (!found || !timingSafeEqual(Buffer.from(found.hash, 'hex'), Buffer.from(hash, 'hex'))) return undefined;
      const time = now();
      if (found.expiresAt !== null && found.expiresAt <= time) return undefined;
      if ((lastTouch.get(found.id) ?? -Infinity) < time - 60_000) {
        lastTouch.set(found.id, time);
        tokens.touch(found.id).catch(onTouchError);
      }
      const principal: Principal = {
        kind: 'token',
        id: `token:${found.id}`,
        name: found.name,
        userId: found.userId,
        admin: found.userId === null,
        scope: found.scope,
      };
      return principal;
    },
  };
}
