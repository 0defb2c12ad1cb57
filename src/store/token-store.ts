export interface ApiToken {
  /** Assigned by the store (integer). */
  id: number;
  name: string;
  /** sha256 hex of the token. The plain token is never stored; callers hash before calling. */
  hash: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/**
 * API tokens (bootstrap admin tokens for now; users and roles come with the API issue).
 * `create` with a hash already stored → `STORE_CONFLICT`. `touch` sets lastUsedAt to now (no error
 * when the token is gone). All methods are single atomic statements.
 */
export interface TokenStore {
  create(input: { name: string; hash: string }): Promise<ApiToken>;
  findByHash(hash: string): Promise<ApiToken | undefined>;
  /** Ordered by id. */
  list(): Promise<ApiToken[]>;
  touch(id: number): Promise<void>;
  delete(id: number): Promise<boolean>;
}
