/**
 * `gantry server`: the composition root (`startServer`) and the pieces tests build on.
 */
export { rotateServerSecretKey, startServer, type RunningServer, type StartServerOptions } from './app.js';
export { createHttpApp, type HttpAppOptions } from './http/http-app.js';
export type { RunStarter } from './http/run-creator.js';
export { WEBHOOK_BODY_LIMIT } from './http/routes/hooks.js';
export type { Authenticator, Permission, Principal } from './http/auth.js';
export type { ReadinessCheck } from './http/routes/health.js';
export { createLogger, type LoggerOptions } from './logger.js';
export {
  createJwtAuthenticator, createJwtService, createLoginLimiter, createTokenAuthenticator, ensureAdminToken, ensureAdminUser, generateToken,
  hashPassword, hashToken, loadJwtKey, TOKEN_PREFIX, type JwtService, type LoginLimits,
} from './auth/index.js';
export type { AuthRouteOptions } from './http/routes/auth.js';
