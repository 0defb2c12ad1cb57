export interface ApiToken {
  /** Assigned by the store (integer). */
  id: number;
  name: string;
  /** sha256 hex of the token. The plain token is never stored; callers hash before calling. */
  hash: string;
  createdAt: number;
  lastUsedAt: number | null;
  /** Owner; null for the bootstrap admin tokens (GANTRY_ADMIN_TOKEN or generated at first start). */
  userId: number | null;
  /** `read`: only reading projects; `write`: everything the owner may do. */
  scope: TokenScope;
  /** Epoch ms after which the token no longer works; null = never expires. */
  expiresAt: number | null;
}

export type TokenScope = 'read' | 'write';

export interface NewApiToken {
  name: string;
  hash: string;
  userId?: number | null;
  /** Default `write`. */
  scope?: TokenScope;
  expiresAt?: number | null;
}

/**
 * API tokens: personal tokens of users, and the bootstrap admin tokens (no user).
 * `create` with a hash already stored → `STORE_CONFLICT`. `touch` sets lastUsedAt to now (no error
 * when the token is gone). All methods are single atomic statements.
 */
export interface TokenStore {
  create(input: NewApiToken): Promise<ApiToken>;
  findByHash(hash: string): Promise<ApiToken | undefined>;
  /** Ordered by id; only the user's tokens when `userId` is given. */
  list(filter?: { userId?: number }): Promise<ApiToken[]>;
  getById(id: number): Promise<ApiToken | undefined>;
  touch(id: number): Promise<void>;
  delete(id: number): Promise<boolean>;
}
