import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { GantryError } from '../../../core/index.js';
import type { Store } from '../../../store/index.js';
import type { LoginView } from '../../../api-client/index.js';
import { hashToken } from '../../auth/api-tokens.js';
import { loginBody, loginView, refreshBody } from '../../auth/account-schemas.js';
import type { JwtService } from '../../auth/jwt.js';
import type { LoginLimiter } from '../../auth/login-limiter.js';
import { verifyNothing, verifyPassword } from '../../auth/passwords.js';
import { requestSchema, responseSchema } from '../zod-schemas.js';

export interface AuthRouteOptions {
  readonly jwt: JwtService;
  readonly limiter: LoginLimiter;
  /** Lifetime of a refresh token (ms). */
  readonly refreshTtlMs: number;
  readonly now: () => number;
}

const REFRESH_PREFIX = 'gantry_refresh_';

/**
 * Login with a password → a short-lived JWT access token plus a refresh token (random, stored as
 * its sha256). Refresh tokens rotate: each works once and returns the next of its "family" (one
 * family per login). A second use of a token — someone holds a stolen copy — revokes the whole family,
 * so both the thief and the user must log in again. Logout revokes the family of the token given.
 * All three are 'public': the password or refresh token in the body is the credential.
 */
export function authRoutes(app: FastifyInstance, store: Store, options: AuthRouteOptions): void {
  const answer = responseSchema(loginView);

  async function issue(userId: number, family: string): Promise<LoginView> {
    const access = await options.jwt.issue(userId);
    const refreshToken = REFRESH_PREFIX + randomBytes(32).toString('base64url');
    const refreshExpiresAt = options.now() + options.refreshTtlMs;
    await store.refreshTokens.create({ userId, family, hash: hashToken(refreshToken), expiresAt: refreshExpiresAt });
    return {
      accessToken: access.token,
      tokenType: 'Bearer',
      expiresAt: new Date(access.expiresAt).toISOString(),
      refreshToken,
      refreshExpiresAt: new Date(refreshExpiresAt).toISOString(),
    };
  }

  app.post('/auth/login', { config: { permission: 'public' }, schema: { summary: 'Log in: an access token (JWT) and a refresh token', body: requestSchema(loginBody), response: { 200: answer } } }, async (request) => {
    const { username, password } = request.body as z.output<typeof loginBody>;
    options.limiter.check(username, request.ip);
    const user = await store.users.getByUsername(username);
    const ok = user ? await verifyPassword(password, user.passwordHash) : await verifyNothing(password);
    if (!user || !ok || !user.active) {
      options.limiter.failed(username, request.ip);
      request.log.info({ username, address: request.ip }, 'login failed');
      throw new GantryError('AUTH_LOGIN_FAILED', 'wrong username or password');
    }
    options.limiter.succeeded(username);
    request.log.info({ username }, 'login');
    return issue(user.id, randomUUID());
  });

  app.post('/auth/refresh', { config: { permission: 'public' }, schema: { summary: 'Trade a refresh token (once) for a new access and refresh token', body: requestSchema(refreshBody), response: { 200: answer } } }, async (request) => {
    const { refreshToken } = request.body as z.output<typeof refreshBody>;
    const invalid = () => new GantryError('AUTH_INVALID_REFRESH_TOKEN', 'the refresh token is not valid; log in again');
    const found = await store.refreshTokens.findByHash(hashToken(refreshToken));
    if (!found || found.revokedAt !== null || found.expiresAt <= options.now()) throw invalid();
    // usedAt set, or a concurrent request marked it first: a token is being replayed.
    if (found.usedAt !== null || !(await store.refreshTokens.markUsed(found.id))) {
      const revoked = await store.refreshTokens.revokeFamily(found.family);
      request.log.warn({ userId: found.userId, revoked }, 'refresh token reused: the whole login is revoked');
      throw invalid();
    }
    const user = await store.users.getById(found.userId);
    if (!user?.active) throw invalid();
    return issue(user.id, found.family);
  });

  app.post('/auth/logout', { config: { permission: 'public' }, schema: { summary: 'Log out: revoke the refresh token and its login', body: requestSchema(refreshBody), response: { 204: { type: 'null' } } } }, async (request, reply) => {
    const { refreshToken } = request.body as z.output<typeof refreshBody>;
    const found = await store.refreshTokens.findByHash(hashToken(refreshToken));
    if (found) await store.refreshTokens.revokeFamily(found.family);
    return reply.code(204).send();
  });
}
