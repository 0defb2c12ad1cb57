/**
 * `gantry server`: the composition root (`startServer`) and the pieces tests build on.
 */
export { startServer, type RunningServer, type StartServerOptions } from './app.js';
export { createHttpApp, type HttpAppOptions } from './http/http-app.js';
export type { RunStarter } from './http/run-creator.js';
export { WEBHOOK_BODY_LIMIT } from './http/routes/hooks.js';
export type { Authenticator, Permission, Principal } from './http/auth.js';
export type { ReadinessCheck } from './http/routes/health.js';
export { createLogger, type LoggerOptions } from './logger.js';
export { createTokenAuthenticator, ensureAdminToken, generateToken, hashToken, TOKEN_PREFIX } from './tokens.js';
