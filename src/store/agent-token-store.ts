/** A token one remote agent (or a fleet sharing it) authenticates with on the agent port. */
export interface AgentToken {
  /** Assigned by the store (integer). */
  id: number;
  /** Unique; agents that use the token are named `<name>/<agent name>`. */
  name: string;
  /** sha256 hex of the token; the plain token is never stored (callers hash before calling). */
  hash: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/**
 * Agent tokens, kept apart from API tokens: an agent token opens only the agent port (gRPC), never
 * the HTTP API, and an API token never opens the agent port. `create` with a name or hash already
 * stored → `STORE_CONFLICT`. `touch` sets lastUsedAt to now (no error when the token is gone). All
 * methods are single atomic statements; `delete` takes effect for the very next call of an agent.
 */
export interface AgentTokenStore {
  create(input: { name: string; hash: string }): Promise<AgentToken>;
  findByHash(hash: string): Promise<AgentToken | undefined>;
  /** Ordered by id. */
  list(): Promise<AgentToken[]>;
  touch(id: number): Promise<void>;
  delete(id: number): Promise<boolean>;
}
