import { createApiClient, type ApiClient } from '../api-client/index.js';
import { clientSettings, loadConfig } from '../config/index.js';
import { GantryError } from '../core/index.js';
import { loadCredential } from './credentials.js';

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
  // --token / GANTRY_TOKEN win; else the token `gantry login` saved for this server.
  const token = config.token ?? loadCredential(config.server)?.token;
  const api = createApiClient({ baseUrl: config.server, token });
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
    AUTH_REQUIRED: `log in with \`gantry login ${server}\`, or pass --token TOKEN / set GANTRY_TOKEN`,
    AUTH_INVALID_TOKEN: `the token is not known to ${server} (revoked or expired?): \`gantry login\` again, or check --token / GANTRY_TOKEN`,
    AUTH_FORBIDDEN: 'your role does not allow this; ask a maintainer of the project or an admin',
    PROJECT_NOT_FOUND: 'list the projects with `gantry project list`',
    RUN_NOT_FOUND: 'list the runs with `gantry runs PROJECT`',
  };
  const hint = hints[err.code];
  return hint ? new GantryError(err.code, err.message, { details: { ...err.details, hint }, cause: err }) : err;
}
