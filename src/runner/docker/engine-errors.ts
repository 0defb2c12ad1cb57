/** The engine's own message from a dockerode error (its JSON body), else the error's text. */
export function engineMessage(err: unknown): string {
  const json = (err as { json?: { message?: unknown } } | undefined)?.json;
  if (json && typeof json.message === 'string') return json.message;
  return err instanceof Error ? err.message : String(err);
}

/** Already gone (404) or already being removed (409): the outcome a removal wanted. */
export function isGone(err: unknown): boolean {
  const status = (err as { statusCode?: number } | undefined)?.statusCode;
  return status === 404 || status === 409;
}
