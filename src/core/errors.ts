import { ERROR_CODES, type ErrorCode } from './error-codes.js';

/**
 * The one error class of Gantry. Faults of the system are thrown as GantryError with a stable code
 * from the registry; a user's failing command is a state, never an exception.
 */
export class GantryError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GantryError';
    this.code = code;
    this.details = options.details;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable;
  }
}

/** Wraps anything thrown into a GantryError, keeping the original as `cause`. */
export function toGantryError(err: unknown, code: ErrorCode = 'SYSTEM_INTERNAL'): GantryError {
  if (err instanceof GantryError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new GantryError(code, message, { cause: err });
}
