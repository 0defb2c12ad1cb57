/**
 * Live fan-out: the in-process hub the run service tells about stored log lines and run changes,
 * and the SSE log stream built on it (replay from the store, then live, no gap, no duplicate).
 */
export { createLiveHub, type LiveHub, type Unsubscribe } from './live-hub.js';
export { LogStream, type LogStreamEnd, type LogStreamOptions, type SseSink, type StreamEnd } from './log-stream.js';
