import type { ErrorCode, Status } from '../core/index.js';

/**
 * Process exit codes of every `gantry` command (documented in docs/cli.md).
 * Scripts and git hooks rely on them, so they never change meaning.
 */
export const EXIT = {
  ok: 0,
  /** The run (or lint) found a failure: a job failed or was canceled by fail-fast. */
  failed: 1,
  /** Bad flags or arguments. */
  usage: 2,
  /** The pipeline file has errors. */
  invalidPipeline: 3,
  /** Gantry itself failed (cannot spawn, unreadable file, internal error). */
  system: 4,
  /** Interrupted by SIGINT/SIGTERM. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const USAGE_CODES: ReadonlySet<ErrorCode> = new Set([
  'CONFIG_INVALID',
  'EXEC_UNKNOWN_JOB',
  'EXEC_NOTHING_TO_RUN',
  'HOOKS_NOT_A_REPOSITORY',
  'HOOKS_NOT_BARE',
  'HOOKS_FOREIGN_HOOK',
]);

/** Exit code for a GantryError that ends a command. */
export function exitCodeForError(code: ErrorCode): ExitCode {
  if (code === 'PIPELINE_INVALID' || code === 'PIPELINE_NOT_FOUND') return EXIT.invalidPipeline;
  if (USAGE_CODES.has(code)) return EXIT.usage;
  return EXIT.system;
}

/** Exit code for a finished run. */
export function exitCodeForRun(status: Status, interrupted: boolean): ExitCode {
  if (interrupted) return EXIT.interrupted;
  if (status === 'success' || status === 'skipped') return EXIT.ok;
  if (status === 'error') return EXIT.system;
  return EXIT.failed;
}
