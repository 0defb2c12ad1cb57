/** Forge kinds a project can receive webhooks from. `generic` = HMAC-signed JSON we document. */
export type ForgeKind = 'github' | 'gitea' | 'gitlab' | 'generic';

export const FORGE_KINDS: readonly ForgeKind[] = ['github', 'gitea', 'gitlab', 'generic'];

export interface ProjectSettings {
  /** Cancel older non-final runs of the same branch when a new run for it is created. */
  autoCancel: boolean;
  /** At most this many runs of the project run at once; null = no project limit. */
  maxConcurrentRuns: number | null;
  /** Higher runs first within a priority class. 0 = default. */
  priority: number;
  /**
   * Environments whose jobs (`environment:` in the pipeline) wait for a maintainer's approval before
   * they are queued. A server-side setting: the repository cannot lift it.
   */
  protectedEnvironments: string[];
  /** Anyone, even without an account, may read the project, its runs and logs (docs/auth.md). */
  public: boolean;
}

export const DEFAULT_PROJECT_SETTINGS: Readonly<ProjectSettings> = Object.freeze({
  autoCancel: false,
  maxConcurrentRuns: null,
  priority: 0,
  protectedEnvironments: [],
  public: false,
});

export interface Project {
  /** Assigned by the store (integer, increasing, never reused). */
  id: number;
  /** Unique, used in URLs (`/hooks/github/{name}`). */
  name: string;
  /** Authoritative clone URL: a webhook never makes the server fetch from a URL in its payload. */
  repoUrl: string;
  forge: ForgeKind;
  /**
   * The store keeps the string it is given. The server gives it sealed (AES-GCM, src/server/secrets:
   * `withSealedWebhookSecrets`) and sees it plain; never log it and never return it from the API.
   */
  webhookSecret: string | null;
  defaultBranch: string;
  /** Poll the remote with `git ls-remote` every this many ms; null = no polling. */
  pollIntervalMs: number | null;
  settings: ProjectSettings;
  /** Epoch ms from the store's Clock. */
  createdAt: number;
  updatedAt: number;
}

export interface NewProject {
  name: string;
  repoUrl: string;
  forge: ForgeKind;
  webhookSecret?: string | null;
  /** Default `main`. */
  defaultBranch?: string;
  pollIntervalMs?: number | null;
  settings?: Partial<ProjectSettings>;
}

/** Fields left undefined keep their value; `null` clears a nullable field. */
export interface ProjectPatch {
  repoUrl?: string;
  forge?: ForgeKind;
  webhookSecret?: string | null;
  defaultBranch?: string;
  pollIntervalMs?: number | null;
  /** Merged into the current settings. */
  settings?: Partial<ProjectSettings>;
}

/**
 * Registered projects.
 *
 * Concurrency: every method is one atomic statement; safe to call concurrently.
 * Errors: `create` with a taken name → GantryError `STORE_CONFLICT` (details.name); `update` of a missing
 * id → `STORE_NOT_FOUND`. Reads return `undefined` for a missing row instead of throwing.
 * Deleting a project deletes its runs (with jobs, steps, logs) and its deliveries.
 */
export interface ProjectStore {
  create(input: NewProject): Promise<Project>;
  getById(id: number): Promise<Project | undefined>;
  getByName(name: string): Promise<Project | undefined>;
  /** Ordered by name. */
  list(): Promise<Project[]>;
  /** Returns the updated project; bumps updatedAt. */
  update(id: number, patch: ProjectPatch): Promise<Project>;
  /** Returns false when there was no such project. */
  delete(id: number): Promise<boolean>;
}
