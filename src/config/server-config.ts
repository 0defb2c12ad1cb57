import { defineDomain, type ConfigOf, type DefaultContext } from './domain.js';
import { boolean, duration, hostPort, httpUrl, integer, oneOf, text } from './setting-kinds.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Settings of `gantry server`. The one source for the type, defaults, GANTRY_* variables, flags,
 * `--help` and the table in docs/server.md (a test keeps the table in step).
 * Durations are milliseconds after loading.
 */
export const serverSettings = defineDomain('server', {
  listen: {
    schema: hostPort(),
    valueName: 'HOST:PORT',
    description: 'address and port to listen on (port 0 picks a free port)',
    default: '127.0.0.1:8080',
  },
  dataDir: {
    schema: text(),
    valueName: 'DIR',
    description: 'where the database, mirrors and workspaces live (created if missing)',
    default: './gantry-data',
    path: true,
  },
  logLevel: {
    schema: oneOf(LOG_LEVELS),
    valueName: 'LEVEL',
    description: `log level: ${LOG_LEVELS.join(', ')}`,
    default: 'info',
  },
  logFormat: {
    schema: oneOf(['json', 'pretty'] as const),
    valueName: 'FORMAT',
    description: 'json (one object per line) or pretty (readable, for terminals)',
    default: (ctx: DefaultContext) => (ctx.isTty ? 'pretty' : 'json'),
    defaultText: 'pretty on a terminal, else json',
  },
  adminToken: {
    schema: text({ minLength: 16 }),
    valueName: 'TOKEN',
    description: 'bootstrap admin API token (at least 16 characters); generated and printed once at first start when unset',
    secret: true,
  },
  leaseTtl: {
    schema: duration({ minMs: 1000 }),
    valueName: 'DURATION',
    description: 'how long an agent keeps a job without a heartbeat',
    default: '30s',
  },
  embeddedAgent: {
    schema: boolean(),
    valueName: 'BOOL',
    description: 'run jobs in an agent inside the server',
    default: true,
    shape: 'boolean',
  },
  agentCapacity: {
    schema: integer({ min: 1, max: 1024 }),
    valueName: 'N',
    description: 'jobs the embedded agent runs at once',
    default: 2,
  },
  shutdownGrace: {
    schema: duration(),
    valueName: 'DURATION',
    description: 'on SIGTERM, how long running jobs may finish before they are canceled',
    default: '30s',
  },
  publicUrl: {
    schema: httpUrl(),
    valueName: 'URL',
    description: 'URL people and forges reach the server at (links, webhooks); default: the listen address',
  },
});

export type ServerConfig = ConfigOf<typeof serverSettings.defs>;

/** Settings of the commands that talk to a server (`gantry project …`). */
export const clientSettings = defineDomain('client', {
  server: {
    schema: httpUrl(),
    valueName: 'URL',
    description: 'URL of the Gantry server',
    default: 'http://127.0.0.1:8080',
  },
  token: {
    schema: text(),
    valueName: 'TOKEN',
    description: 'API token (the admin token printed at the server\'s first start, for now)',
    secret: true,
  },
});

export type ClientConfig = ConfigOf<typeof clientSettings.defs>;
