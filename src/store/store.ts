import type { AgentTokenStore } from './agent-token-store.js';
import type { ArtifactStore, CacheStore } from './artifact-store.js';
import type { ApprovalStore } from './approval-store.js';
import type { DeliveryStore } from './delivery-store.js';
import type { LogStore } from './log-store.js';
import type { ProjectStore } from './project-store.js';
import type { RunStore } from './run-store.js';
import type { SecretStore } from './secret-store.js';
import type { StateStore } from './state-store.js';
import type { TokenStore } from './token-store.js';
import type { MemberStore, UserStore } from './user-store.js';
import type { RefreshTokenStore } from './refresh-token-store.js';

/**
 * The whole store, as a composition root gets it from a driver (`createSqliteStore`, later a
 * PostgreSQL one). Ids are integers assigned by the database; timestamps are epoch ms from the Clock
 * given to the driver. Methods are async and may be called concurrently; each documents its atomicity.
 * Errors are GantryError: `STORE_CONFLICT` (unique key taken), `STORE_NOT_FOUND` (missing row on a
 * write), `STORE_INVALID` (bad input), `STORE_UNAVAILABLE` (database busy/unreachable; retryable).
 * Nothing is cancellable mid-statement: statements are short; callers check their AbortSignal between calls.
 */
export interface Store {
  readonly driver: 'sqlite' | 'postgres';
  readonly projects: ProjectStore;
  readonly deliveries: DeliveryStore;
  readonly runs: RunStore;
  readonly logs: LogStore;
  readonly tokens: TokenStore;
  readonly state: StateStore;
  readonly users: UserStore;
  readonly members: MemberStore;
  readonly refreshTokens: RefreshTokenStore;
  readonly approvals: ApprovalStore;
  readonly secrets: SecretStore;
  readonly agentTokens: AgentTokenStore;
  readonly artifacts: ArtifactStore;
  readonly caches: CacheStore;
  /** Resolves when the database answers a trivial query (for /readyz); else `STORE_UNAVAILABLE`. */
  ping(): Promise<void>;
  /** Closes the database. Idempotent. Calls after close reject with `STORE_UNAVAILABLE`. */
  close(): Promise<void>;
}
