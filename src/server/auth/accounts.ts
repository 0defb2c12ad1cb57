import type { Logger } from 'pino';
import type { ServerConfig } from '../../config/index.js';
import type { Clock } from '../../core/index.js';
import type { Store } from '../../store/index.js';
import type { Authenticator } from '../http/auth.js';
import type { AuthRouteOptions } from '../http/routes/auth.js';
import { ensureAdminUser } from './admin-user.js';
import { createTokenAuthenticator, ensureAdminToken } from './api-tokens.js';
import { createJwtAuthenticator, createJwtService } from './jwt.js';
import { loadJwtKey } from './jwt-key.js';
import { createLoginLimiter, DEFAULT_LOGIN_LIMITS } from './login-limiter.js';

export interface Accounts {
  readonly authenticators: readonly Authenticator[];
  readonly routes: AuthRouteOptions;
}

/**
 * Start-up of accounts for `gantry server`: the admin user and bootstrap admin token (printing
 * what was generated, once), the JWT key, and the authenticators and login routes' options.
 */
export async function setUpAccounts(store: Store, config: ServerConfig, clock: Clock, logger: Logger, announce: (line: string) => void): Promise<Accounts> {
  const { generatedPassword } = await ensureAdminUser(store.users, config.adminPassword);
  if (generatedPassword) {
    announce('gantry: created the user `admin` with this password (shown only this once; only its hash is stored):');
    announce(`  ${generatedPassword}`);
    announce('  log in with `gantry login`; set GANTRY_ADMIN_PASSWORD before the first start to choose it instead');
  }
  const { generated } = await ensureAdminToken(store.tokens, config.adminToken);
  if (generated) {
    announce('gantry: generated the admin API token (shown only this once; only its hash is stored):');
    announce(`  ${generated}`);
    announce('  use it with `--token` or GANTRY_TOKEN; set GANTRY_ADMIN_TOKEN to choose your own instead');
  }
  const now = () => clock.now();
  const jwt = createJwtService({ key: loadJwtKey(config.jwtKey, config.dataDir), ttlMs: config.accessTokenTtl, clock });
  const tokens = createTokenAuthenticator(store.tokens, now, (err) => logger.warn({ err }, 'could not record token use'));
  return {
    authenticators: [createJwtAuthenticator(jwt), tokens],
    routes: { jwt, limiter: createLoginLimiter(DEFAULT_LOGIN_LIMITS, now), refreshTtlMs: config.refreshTokenTtl, now },
  };
}
