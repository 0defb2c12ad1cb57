/**
 * The REST API's wire types (JSON), shared by the server's routes (which check their output against
 * them at compile time), this client, the CLI and the tests.
 */
export type ForgeKindName = 'github' | 'gitea' | 'gitlab' | 'generic';

/** An error answer, `application/problem+json` (RFC 9457) with Gantry's stable code. */
export interface Problem {
  /** `https://gantry.dev/errors#CODE` — a link to the code's entry in docs/errors.md. */
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  /** Field-level problems for API_INVALID_REQUEST: `{ field: "name", message: "…" }`. */
  problems?: { field: string; message: string }[];
  requestId?: string;
}

export interface ProjectSettingsView {
  autoCancel: boolean;
  maxConcurrentRuns: number | null;
  priority: number;
}

export interface ProjectView {
  id: number;
  name: string;
  repoUrl: string;
  forge: ForgeKindName;
  /** The webhook secret itself is never returned. */
  hasSecret: boolean;
  defaultBranch: string;
  /** Polling interval in milliseconds; null = not polled. */
  pollIntervalMs: number | null;
  settings: ProjectSettingsView;
  /** ISO 8601. */
  createdAt: string;
  updatedAt: string;
}

export interface CreateProjectRequest {
  /** Lowercase letters, digits, `-`, `_`, `.`; starts with a letter or digit; at most 64 characters. */
  name: string;
  /** Local absolute path, file://, http(s)://, ssh://, or scp-like `git@host:path`. */
  repoUrl: string;
  /** Default `generic`. */
  forge?: ForgeKindName;
  /** Webhook secret (HMAC key, or GitLab's token). */
  secret?: string | null;
  /** Default `main`. */
  defaultBranch?: string;
  /** `5m`, `1h`, a number of seconds, or null for no polling. */
  pollInterval?: string | number | null;
  settings?: Partial<ProjectSettingsView>;
}

export interface ProjectList {
  projects: ProjectView[];
}

export interface HealthView {
  status: 'ok';
}
