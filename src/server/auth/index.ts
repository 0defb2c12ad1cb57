/**
 * Accounts: password hashes, JWT access tokens, API tokens, the login limiter and first-start
 * bootstrap (admin user, admin token). Enforcement lives in src/server/http/auth.ts.
 */
export { setUpAccounts, type Accounts } from './accounts.js';
export { ensureAdminUser, ADMIN_USERNAME } from './admin-user.js';
export { createTokenAuthenticator, ensureAdminToken, generateToken, hashToken, TOKEN_PREFIX } from './api-tokens.js';
export { createJwtAuthenticator, createJwtService, type JwtService } from './jwt.js';
export { loadJwtKey } from './jwt-key.js';
export { createLoginLimiter, DEFAULT_LOGIN_LIMITS, type LoginLimits, type LoginLimiter } from './login-limiter.js';
export { hashPassword, verifyPassword } from './passwords.js';
