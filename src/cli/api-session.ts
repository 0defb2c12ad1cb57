import { createApiClient, type ApiClient } from '../api-client/index.js';
import { clientSettings, loadConfig } from '../config/index.js';
import { GantryError } from '../core/index.js';

/** Flags every command that talks to a server accepts (defaults: GANTRY_SERVER, GANTRY_TOKEN). */
export interface ClientFlags {
  server?: string;
  token?: string;
}

export interface ApiSession {
  api: ApiClient;
  server: string;
  /** Runs a request; a failure comes back with what to do about it as `details.hint`. */
  call<T>(work: (api: ApiClient) => Promise<T>): Promise<T>;
}

export function connect(flags: ClientFlags): ApiSession {
  const config = loadConfig(clientSettings, {
    env: process.env,
    flags: { server: flags.server, token: flags.token },
    context: { cwd: process.cwd(), isTty: process.stdout.isTTY === true },
  });
  const api = createApiClient({ baseUrl: config.server, token: config.token });
  const server = config.server;
  return {
    api,
    server,
    async call(work) {
      try {
        return await work(api);
      } catch (err) {
        throw withHint(err, server);
      }
    },
  };
}

function withHint(err: unknown, server: string): unknown {
  if (!(err instanceof GantryError) || typeof err.details?.hint === 'string') return err;
  const hints: Partial<Record<string, string>> = {
    AUTH_REQUIRED: 'pass --token TOKEN or set GANTRY_TOKEN (the admin token the server printed at its first start)',
    AUTH_INVALID_TOKEN: `the token is not known to ${server}: check --token / GANTRY_TOKEN`,
    AUTH_FORBIDDEN: 'this token lacks the permission; use an admin token',
    PROJECT_NOT_FOUND: 'list the projects with `gantry project list`',
    RUN_NOT_FOUND: 'list the runs with `gantry runs PROJECT`',
  };
  const hint = hints[err.code];
  return hint ? new GantryError(err.code, err.message, { details: { ...err.details, hint }, cause: err }) : err;
}
