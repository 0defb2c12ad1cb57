import { errors, jwtVerify, SignJWT } from 'jose';
import type { Clock } from '../../core/index.js';
import type { Authenticator } from '../http/auth.js';

/**
 * Short-lived access tokens: JWT signed with HS256 and a server-side key.
 *
 * Verification PINS the algorithm to HS256 (a token saying `alg: none` or `RS256` is refused before
 * any key is used: no alg-none, no RS/HS key confusion), and requires iss, aud, exp, nbf, iat and
 * sub, checked against the injected clock with no tolerance. The token carries only the user id:
 * rights are read from the store on every request, so a deleted or demoted user loses them at once.
 */
export const JWT_ALGORITHM = 'HS256';
export const JWT_ISSUER = 'gantry';
export const JWT_AUDIENCE = 'gantry-api';

export interface AccessToken {
  readonly token: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

export interface JwtService {
  issue(userId: number): Promise<AccessToken>;
  /** The user id, or undefined for any token that is not a valid, current access token of this server. */
  verify(token: string): Promise<number | undefined>;
}

export interface JwtOptions {
  readonly key: Uint8Array;
  readonly ttlMs: number;
  readonly clock: Clock;
}

export function createJwtService(options: JwtOptions): JwtService {
  const { key, ttlMs, clock } = options;
  return {
    async issue(userId) {
      const now = clock.now();
      const seconds = Math.floor(now / 1000);
      const expiresAt = (seconds + Math.ceil(ttlMs / 1000)) * 1000;
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: JWT_ALGORITHM, typ: 'JWT' })
        .setSubject(String(userId))
        .setIssuer(JWT_ISSUER)
        .setAudience(JWT_AUDIENCE)
        .setIssuedAt(seconds)
        .setNotBefore(seconds)
        .setExpirationTime(expiresAt / 1000)
        .sign(key);
      return { token, expiresAt };
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [JWT_ALGORITHM],
          issuer: JWT_ISSUER,
          audience: JWT_AUDIENCE,
          requiredClaims: ['exp', 'nbf', 'iat', 'sub'],
          currentDate: new Date(clock.now()),
          clockTolerance: 0,
        });
        const id = Number(payload.sub);
        return Number.isSafeInteger(id) && id > 0 ? id : undefined;
      } catch (err) {
        if (err instanceof errors.JOSEError) return undefined;
        throw err;
      }
    },
  };
}

/** Looks like a compact JWS (three base64url parts); API tokens never do. */
export function looksLikeJwt(credential: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(credential);
}

/** Bearer JWT access tokens → the user's principal (the auth hook then checks the user is still there). */
export function createJwtAuthenticator(jwt: JwtService): Authenticator {
  return {
    async authenticate(credential) {
      if (!looksLikeJwt(credential)) return undefined;
      const userId = await jwt.verify(credential);
      if (userId === undefined) return undefined;
      return { kind: 'jwt', id: `jwt:user:${userId}`, name: `user:${userId}`, userId, admin: false, scope: 'write' };
    },
  };
}
