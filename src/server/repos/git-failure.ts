import { GantryError, type ErrorCode } from '../../core/index.js';
import { GitProcessError, redactCredentials } from './git-command.js';

/**
 * A failed git command as a GantryError: `what` and git's own message, its stderr (last 4000
 * characters) and whether it timed out in the details — credentials in URLs redacted everywhere.
 */
export function gitFailure(code: ErrorCode, what: string, err: unknown, details: Record<string, unknown> = {}): GantryError {
  const p = err instanceof GitProcessError ? err : undefined;
  const why = p ? p.message : err instanceof Error ? err.message : String(err);
  const stderr = p ? redactCredentials(p.stderr.trim()).slice(-4000) : undefined;
  return new GantryError(code, redactCredentials(`${what}: ${why}`), {
    details: { ...details, ...(stderr ? { stderr } : {}), ...(p ? { timedOut: p.timedOut } : {}) },
    cause: err,
  });
}
