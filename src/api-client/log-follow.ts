import { GantryError } from '../core/index.js';
import { readEventStream, type StreamOptions, type StreamTarget } from './event-stream.js';
import type { LogLineView, StatusName } from './types.js';

/** Data of the stream's last event: the job ended. */
export interface LogEndView {
  /** The job's final status (the run's, when the run ended without finishing the job). */
  status: StatusName;
  reason: string | null;
  runStatus: StatusName;
  /** seq of the last line of the job. */
  lastSeq: number;
}

export type FollowEvent = { type: 'line'; line: LogLineView } | { type: 'end'; end: LogEndView };

export interface FollowOptions extends StreamOptions {
  /** Start after this seq (0 = from the first line). */
  after?: number;
}

/**
 * Follows a job's live log: yields every line once, in seq order, then the `end` event, then
 * finishes. A dropped connection reconnects with `Last-Event-ID` = the last seq received, so nothing
 * is missed or repeated (event-stream.ts has the reconnect rules).
 */
export async function* followLogs(target: StreamTarget, options: FollowOptions = {}): AsyncGenerator<FollowEvent, void, undefined> {
  let last = options.after ?? 0;
  const session = {
    resumeFrom: () => last,
    lost: (attempts: number, cause: unknown) =>
      new GantryError('API_UNREACHABLE', `lost the live log stream at ${target.url} and could not resume after ${attempts} attempts`, {
        cause,
        details: { lastSeq: last, hint: 'is `gantry server` running? `gantry logs` without -f prints what is stored' },
      }),
  };
  for await (const event of readEventStream(target, session, options)) {
    if (event.event === 'end') {
      yield { type: 'end', end: JSON.parse(event.data) as LogEndView };
      return;
    }
    if (event.event !== 'message') continue;
    const line = JSON.parse(event.data) as LogLineView;
    if (line.seq <= last) continue;
    last = line.seq;
    yield { type: 'line', line };
  }
}
