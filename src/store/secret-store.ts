/**
 * Where a secret applies. `project` shadows `instance` for the same name. An `environment` scope
 * (a project's deploy target) will be a third kind; the stored scope key leaves room for it.
 */
export type SecretScope = { kind: 'instance' } | { kind: 'project'; projectId: number };

/** What may be shown about a secret: never its value, not even encrypted. */
export interface SecretInfo {
  name: string;
  createdAt: number;
  updatedAt: number;
}

/**
 * A stored secret with its sealed value: an opaque string the server's secret box made (AES-GCM
 * with the key id inside). The store never sees a plain value and never interprets this one.
 */
export interface SealedSecret extends SecretInfo {
  /** Assigned by the store (integer). */
  id: number;
  scope: SecretScope;
  sealed: string;
}

/**
 * Instance and project secrets, sealed by the caller before they reach the store.
 *
 * Concurrency: every method is one atomic statement; safe to call concurrently. `put` is an upsert
 * on (scope, name): the last writer wins. `replaceSealed` is a compare-and-set for key rotation,
 * so a value set while a rotation runs is not overwritten with the old one re-encrypted.
 * Deleting a project deletes its secrets (cascade). A project scope naming no project →
 * `STORE_INVALID`.
 */
export interface SecretStore {
  /** Creates or replaces; `created` tells which. */
  put(scope: SecretScope, name: string, sealed: string): Promise<{ created: boolean; secret: SecretInfo }>;
  /** false when there was nothing to delete. */
  delete(scope: SecretScope, name: string): Promise<boolean>;
  /** Names and times of one scope, ordered by name. */
  list(scope: SecretScope): Promise<SecretInfo[]>;
  /** The named secrets of one scope that exist (missing names are simply absent), ordered by name. */
  getMany(scope: SecretScope, names: readonly string[]): Promise<SealedSecret[]>;
  /** Every secret of every scope, ordered by id (key rotation). */
  listAll(): Promise<SealedSecret[]>;
  /** Sets `next` only if the row still holds `expected`; true when it did. */
  replaceSealed(id: number, expected: string, next: string): Promise<boolean>;
}
