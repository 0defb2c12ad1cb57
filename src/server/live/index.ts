/**
 * Live fan-out: the in-process hub the run service tells about stored log lines and run changes,
 * and the SSE streams built on it: a job's log (replay from the store, then live, no gap, no
 * duplicate) and a run's state (whole snapshots on every change).
 */
export { createLiveHub, type LiveHub, type Unsubscribe } from './live-hub.js';
export { RunWatch, type RunWatchOptions } from './run-watch.js';
export { ProjectRunsWatch, type ProjectRunsWatchOptions } from './project-runs-stream.js';
export { LogPages } from './log-pages.js';
export { LogStream, type LogStreamEnd, type LogStreamOptions, type SseSink, type StreamEnd } from './log-stream.js';
