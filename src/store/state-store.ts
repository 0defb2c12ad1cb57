/**
 * Small JSON values of server state, by key. Suggested keys: `cron:{projectId}:{schedule}` (last
 * fired), `poll:{projectId}` (last seen refs). Values must be JSON-serializable.
 * `set` is an upsert (last write wins) and bumps updatedAt; `compareAndSet` writes only when the stored
 * value deep-equals `expected` (undefined = key absent) — use it when two loops may race.
 */
export interface StateStore {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  compareAndSet(key: string, expected: unknown, value: unknown): Promise<boolean>;
  delete(key: string): Promise<boolean>;
  /** Keys starting with `prefix`, ordered by key. */
  list<T = unknown>(prefix: string): Promise<{ key: string; value: T; updatedAt: number }[]>;
}
