/**
 * A refresh token as stored: only its sha256. Tokens of one login share a `family`; using one
 * marks it used and issues the next of the family, so a second use of the same token (a stolen
 * copy) is detected and the whole family revoked.
 */
export interface RefreshToken {
  id: number;
  userId: number;
  family: string;
  hash: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  revokedAt: number | null;
}

/**
 * Refresh tokens. `create` with a taken hash → `STORE_CONFLICT`. `markUsed` is a conditional
 * update (only an unused, unrevoked token), so of two concurrent uses exactly one wins.
 */
export interface RefreshTokenStore {
  create(input: { userId: number; family: string; hash: string; expiresAt: number }): Promise<RefreshToken>;
  findByHash(hash: string): Promise<RefreshToken | undefined>;
  /** True when this call marked it used; false when it was already used or revoked. */
  markUsed(id: number): Promise<boolean>;
  /** Revokes every token of the family not yet revoked; returns how many. */
  revokeFamily(family: string): Promise<number>;
}
