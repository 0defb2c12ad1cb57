// Reconnecting a live view: SSE streams drop (server restart, proxy timeout, network), and the views
// reconnect on their own, waiting longer after each failure so a server that is down is not hammered.
// No DOM here, so the schedule is tested under Node (test/web/live-reconnect.test.ts).

export const RETRY_FIRST_MS = 1000;
export const RETRY_MAX_MS = 30_000;

/**
 * Calls `connect` again whenever it returns or throws, until `signal` aborts or `connect` says the
 * stream is finished (resolves `true`). Waits 1 s, 2 s, 4 s… up to 30 s between attempts; an attempt
 * that delivered news (`heard()` was called) starts the wait at 1 s again. `onError` gets each
 * failure (shown to the user) and `undefined` once news arrives again.
 */
export async function keepStreaming(
  connect: (heard: () => void) => Promise<boolean | void>,
  signal: AbortSignal,
  onError: (message: string | undefined) => void,
): Promise<void> {
  let wait = RETRY_FIRST_MS;
  while (!signal.aborted) {
    let news = false;
    const heard = () => {
      if (!news) onError(undefined);
      news = true;
    };
    try {
      if ((await connect(heard)) === true) return;
    } catch (err) {
      if (signal.aborted) return;
      onError(err instanceof Error ? err.message : String(err));
    }
    if (news) wait = RETRY_FIRST_MS;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, wait);
      signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
    wait = Math.min(wait * 2, RETRY_MAX_MS);
  }
}
