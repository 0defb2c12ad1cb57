/**
 * Store PORTS (interfaces and types) — no driver code here. Composition roots pick a driver
 * (`src/store/sqlite/index.ts`: createSqliteStore). Contract tests every driver passes live in
 * `src/store/contract/` (imported by drivers' tests, kept out of this runtime entry so production code
 * never loads node:test).
 */
export type { Store } from './store.js';
export { FORGE_KINDS, DEFAULT_PROJECT_SETTINGS } from './project-store.js';
export type { ForgeKind, Project, ProjectSettings, NewProject, ProjectPatch, ProjectStore } from './project-store.js';
export type { Delivery, DeliveryOutcome, NewDelivery, DeliveryStore } from './delivery-store.js';
export type {
  Run, NewRun, RunPatch, RunTrigger, RunFilter, RunPage, RunStore,
  JobRecord, JobUpsert, StepRecord, StepUpsert, PruneOptions, RunWrite,
} from './run-store.js';
export type { LogLine, LogStream, LogStore } from './log-store.js';
export type { ApiToken, NewApiToken, TokenScope, TokenStore } from './token-store.js';
export { PROJECT_ROLES } from './user-store.js';
export type { User, NewUser, UserPatch, UserStore, ProjectRole, Membership, MemberStore } from './user-store.js';
export type { RefreshToken, RefreshTokenStore } from './refresh-token-store.js';
export type { StateStore } from './state-store.js';
export type { SealedSecret, SecretInfo, SecretScope, SecretStore } from './secret-store.js';
export type { ApprovalDecision, ApprovalStore, JobApproval } from './approval-store.js';
export type { AgentToken, AgentTokenStore } from './agent-token-store.js';
export type { Artifact, ArtifactStore, CacheEntry, CacheStore, NewArtifact, NewCacheEntry } from './artifact-store.js';
