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
  HOOKS_NOT_BARE: { status: 400, retryable: false, description: 'A post-receive hook was asked for in a repository that is not bare (push to a bare repository; working clones use pre-commit/pre-push).' },
  TRIGGERS_LS_REMOTE_FAILED: { status: 502, retryable: true, description: '`git ls-remote` of a polled repository failed or timed out.' },
  STORE_CONFLICT: { status: 409, retryable: false, description: 'A stored record with the same unique key (e.g. project name) already exists.' },
  STORE_NOT_FOUND: { status: 404, retryable: false, description: 'The record to change does not exist in the store.' },
  STORE_INVALID: { status: 400, retryable: false, description: 'The store was given a value it cannot keep (missing required field, bad reference).' },
  STORE_UNAVAILABLE: { status: 503, retryable: true, description: 'The database is busy, closed or unreachable.' },
  STORE_SCHEMA_TOO_NEW: { status: 500, retryable: false, description: 'The database was migrated by a newer Gantry than this one; upgrade Gantry or use a backup.' },
  AUTH_REQUIRED: { status: 401, retryable: false, description: 'The request needs an API token: send `Authorization: Bearer <token>`.' },
  AUTH_INVALID_TOKEN: { status: 401, retryable: false, description: 'The API token is unknown or revoked.' },
  AUTH_FORBIDDEN: { status: 403, retryable: false, description: 'The token is valid but lacks the permission this request needs.' },
  API_INVALID_REQUEST: { status: 400, retryable: false, description: 'The request body, path or query is invalid; details name each field.' },
  API_NOT_FOUND: { status: 404, retryable: false, description: 'No API route at this method and path.' },
  API_UNREACHABLE: { status: 503, retryable: true, description: 'The client could not reach the Gantry server (not running, wrong URL, network).' },
  API_BAD_RESPONSE: { status: 502, retryable: true, description: 'The server answered with something that is not a Gantry API response.' },
  PROJECT_NOT_FOUND: { status: 404, retryable: false, description: 'No project with this name.' },
  PROJECT_EXISTS: { status: 409, retryable: false, description: 'A project with this name already exists.' },
  GIT_FETCH_FAILED: { status: 502, retryable: true, description: 'Cloning or fetching the repository of a project into its mirror failed or timed out (unreachable remote, bad credentials).' },
  GIT_BAD_REF: { status: 400, retryable: false, description: 'A ref name, commit id, path or clone URL is not valid for git (checked before git sees it).' },
  GIT_UNKNOWN_REF: { status: 404, retryable: false, description: 'The branch or tag does not exist in the repository of the project.' },
  GIT_UNKNOWN_COMMIT: { status: 404, retryable: false, description: 'The commit is not in the repository of the project (force-pushed away, or never pushed there).' },
  GIT_CHECKOUT_FAILED: { status: 500, retryable: true, description: 'The commit could not be checked out into a job workspace.' },
  GIT_FAILED: { status: 500, retryable: true, description: 'A local git command on a project mirror failed or timed out.' },
  WEBHOOK_BAD_SIGNATURE: { status: 401, retryable: false, description: "A webhook's signature (or GitLab token) is missing, malformed or wrong, or the project has no webhook secret; the delivery is recorded as rejected." },
  WEBHOOK_FORGE_MISMATCH: { status: 400, retryable: false, description: 'A webhook arrived on the route of another forge than the one the project is configured for.' },
  WEBHOOK_INVALID_PAYLOAD: { status: 400, retryable: false, description: 'An authenticated webhook body is not valid JSON or not the payload its event promises.' },
  WEBHOOK_TOO_LARGE: { status: 413, retryable: false, description: 'A webhook body is larger than the server accepts (5 MiB).' },
  RUN_NOT_FOUND: { status: 404, retryable: false, description: 'The project has no run with this number.' },
  RUN_JOB_NOT_FOUND: { status: 404, retryable: false, description: 'The run has no job with this id.' },
  RUN_BAD_INPUT: { status: 422, retryable: false, description: "The inputs of a manual/api run do not fit the inputs the pipeline declares; details list the diagnostics. No run is created." },
  RUN_NOT_TRIGGERED: { status: 422, retryable: false, description: "The pipeline's `on` does not accept this manual/api run (e.g. no `on.manual` or a branch filter); no run is created." },
  RUN_ALREADY_FINISHED: { status: 409, retryable: false, description: 'The run ended (success, failure, error or skipped) before it could be canceled; nothing was changed.' },
  RUN_NOT_FINISHED: { status: 409, retryable: false, description: 'Only a run that has ended can be retried; cancel it or wait for it to end.' },
  RUN_NOT_RETRYABLE: { status: 409, retryable: false, description: 'The run has no compiled plan (its pipeline did not compile), so it cannot be retried as it was; push a fix or trigger a new run.' },
  DELIVERY_NOT_FOUND: { status: 404, retryable: false, description: 'The project has no webhook delivery with this id.' },
  LEASE_STALE: { status: 409, retryable: false, description: 'An agent called with a lease that has ended or been handed to another agent (lapsed without heartbeats, job finished, server restarted); the agent must drop the job.' },
  SERVER_START_FAILED: { status: 500, retryable: false, description: 'The server could not start (address in use, data directory not writable).' },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;
