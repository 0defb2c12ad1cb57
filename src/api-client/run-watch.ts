import { GantryError } from '../core/index.js';
import { readEventStream, type StreamOptions, type StreamTarget } from './event-stream.js';
import type { RunDetailView } from './types.js';

export type WatchOptions = StreamOptions;

export type WatchEvent = { type: 'run'; run: RunDetailView } | { type: 'end'; run: RunDetailView };

/**
 * Watches a run live (`GET .../runs/{n}/stream`): yields the whole run now and after every change,
 * then `end` with the final run, then finishes. Snapshots carry the whole state, so a dropped
 * connection reconnects with no resume point and goes on from the current state.
 */
export async function* watchRun(target: StreamTarget, options: WatchOptions = {}): AsyncGenerator<WatchEvent, void, undefined> {
  const session = {
    resumeFrom: () => undefined,
    lost: (attempts: number, cause: unknown) =>
      new GantryError('API_UNREACHABLE', `lost the live run stream at ${target.url} and could not reconnect after ${attempts} attempts`, {
        cause,
        details: { hint: 'is `gantry server` running? `gantry run show` prints what is stored' },
      }),
  };
  for await (const event of readEventStream(target, session, options)) {
    if (event.event !== 'run' && event.event !== 'end') continue;
    yield { type: event.event, run: JSON.parse(event.data) as RunDetailView };
    if (event.event === 'end') return;
  }
}
