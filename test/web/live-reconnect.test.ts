// The UI's reconnect schedule (web/src/reconnect.ts), with a fake connection and a recorded clock: how
// long it waits after each failure, that news resets the wait, that a finished stream stops it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keepStreaming, RETRY_MAX_MS } from '../../web/src/reconnect.js';

/** Runs keepStreaming through `attempts` (news then a drop, a failure, or the end), taking every wait at once. */
async function schedule(attempts: ('news' | 'fail' | 'done')[]): Promise<{ waits: number[]; errors: (string | undefined)[] }> {
  const waits: number[] = [];
  const errors: (string | undefined)[] = [];
  const realSetTimeout = globalThis.setTimeout;
  // Record each wait and take it at once.
  globalThis.setTimeout = ((fn: () => void, ms: number) => {
    waits.push(ms);
    return realSetTimeout(fn, 0);
  }) as typeof setTimeout;
  try {
    let i = 0;
    await keepStreaming(
      async (heard) => {
        const what = attempts[i++];
        if (what === 'news') return heard();
        if (what === 'done') return true;
        throw new Error(`refused ${i}`);
      },
      new AbortController().signal,
      (message) => errors.push(message),
    );
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  return { waits, errors };
}

test('failures wait 1 s, 2 s, 4 s… up to 30 s; news starts the series again at 1 s; a finished stream ends the loop', async () => {
  const { waits, errors } = await schedule(['fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'news', 'fail', 'done']);
  assert.deepEqual(waits, [1000, 2000, 4000, 8000, 16000, RETRY_MAX_MS, RETRY_MAX_MS, 1000, 2000]);
  // Each failure is reported; news clears the message.
  assert.deepEqual(errors, ['refused 1', 'refused 2', 'refused 3', 'refused 4', 'refused 5', 'refused 6', 'refused 7', undefined, 'refused 9']);
});

test('an aborted signal stops reconnecting, even during a wait', async () => {
  const abort = new AbortController();
  let attempts = 0;
  const done = keepStreaming(async () => {
    attempts++;
    throw new Error('down');
  }, abort.signal, () => {});
  await new Promise((r) => setTimeout(r, 20));
  abort.abort();
  await done;
  assert.equal(attempts, 1, 'the first wait (1 s) was cut short by the abort');
});
