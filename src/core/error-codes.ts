/**
 * The one registry of stable error codes. Each code is `AREA_WHAT`, with the HTTP status an API
 * would answer and whether retrying the same request may succeed. `docs/errors.md` lists every code;
 * a test keeps the two in step and the codes unique.
 */
export interface ErrorCodeInfo {
  readonly status: number;
  readonly retryable: boolean;
  readonly description: string;
}

export const ERROR_CODES = {
  SYSTEM_INTERNAL: { status: 500, retryable: false, description: 'An unexpected fault inside Gantry.' },
  CONFIG_INVALID: { status: 400, retryable: false, description: 'A setting, flag or option has an invalid value.' },
  PIPELINE_INVALID: { status: 422, retryable: false, description: 'The pipeline file has errors; details carry the diagnostics.' },
  PIPELINE_NOT_FOUND: { status: 404, retryable: false, description: 'No pipeline file at the given path.' },
  EXEC_UNKNOWN_JOB: { status: 400, retryable: false, description: 'A job named on the command line does not exist in the plan.' },
  EXEC_NOTHING_TO_RUN: { status: 400, retryable: false, description: 'The event and filters select no job to run.' },
  RUNNER_SPAWN_FAILED: { status: 500, retryable: true, description: 'The backend could not start a step process (missing shell, no permission).' },
  RUNNER_WORKSPACE: { status: 500, retryable: true, description: 'The job workspace could not be prepared.' },
  RUNNER_UNSUPPORTED_STEP: { status: 501, retryable: false, description: 'The backend cannot run this kind of step or job (e.g. `image:` on the local backend).' },
  HOOKS_NOT_A_REPOSITORY: { status: 400, retryable: false, description: 'The current directory is not inside a git repository.' },
  HOOKS_FOREIGN_HOOK: { status: 409, retryable: false, description: 'A git hook not written by Gantry is in the way.' },
  STORE_CONFLICT: { status: 409, retryable: false, description: 'A stored record with the same unique key (e.g. project name) already exists.' },
  STORE_NOT_FOUND: { status: 404, retryable: false, description: 'The record to change does not exist in the store.' },
  STORE_INVALID: { status: 400, retryable: false, description: 'The store was given a value it cannot keep (missing required field, bad reference).' },
  STORE_UNAVAILABLE: { status: 503, retryable: true, description: 'The database is busy, closed or unreachable.' },
  STORE_SCHEMA_TOO_NEW: { status: 500, retryable: false, description: 'The database was migrated by a newer Gantry than this one; upgrade Gantry or use a backup.' },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;
