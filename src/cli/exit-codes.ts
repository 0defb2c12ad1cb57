import { ERROR_CODES, type ErrorCode, type Status } from '../core/index.js';

/**
 * Process exit codes of every `gantry` command (documented in docs/cli.md).
 * Scripts and git hooks rely on them, so they never change meaning.
 */
export const EXIT = {
  ok: 0,
  /** The run (or lint) found a failure: a job failed or was canceled by fail-fast. */
  failed: 1,
  /** Bad flags or arguments, or a request the server refused as wrong (4xx: token, name, input). */
  usage: 2,
  /** The pipeline file has errors. */
  invalidPipeline: 3,
  /** Gantry itself failed (cannot spawn, unreadable file, internal error). */
  system: 4,
  /** Interrupted by SIGINT/SIGTERM. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * Exit code for a GantryError that ends a command. The registry's HTTP status says whose fault it
 * is: 4xx means what the user gave was wrong (a flag, a token, a name, an input) — exit 2; 5xx means
 * Gantry or the server could not do it (unreachable, spawn failed) — exit 4.
 */
export function exitCodeForError(code: ErrorCode): ExitCode {
  if (code === 'PIPELINE_INVALID' || code === 'PIPELINE_NOT_FOUND') return EXIT.invalidPipeline;
  const status = ERROR_CODES[code].status;
  return status >= 400 && status < 500 ? EXIT.usage : EXIT.system;
}

/** Exit code for a finished run. */
export function exitCodeForRun(status: Status, interrupted: boolean): ExitCode {
  if (interrupted) return EXIT.interrupted;
  if (status === 'success' || status === 'skipped') return EXIT.ok;
  if (status === 'error') return EXIT.system;
  return EXIT.failed;
}
