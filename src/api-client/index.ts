/**
 * Typed client of Gantry's REST API, used by the CLI, the tests and (later) the web UI.
 * Imports only core: safe to load in the CLI without the server's packages.
 */
export { createApiClient, type ApiClient, type ApiClientOptions } from './client.js';
export type * from './types.js';
export type * from './account-types.js';
export type * from './secret-types.js';
export { SseParser } from './event-stream.js';
export type { FollowEvent, FollowOptions, LogEndView } from './log-follow.js';
export type { WatchEvent, WatchOptions } from './run-watch.js';
