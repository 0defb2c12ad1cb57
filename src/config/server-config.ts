import { z } from 'zod';
import { defineDomain, type ConfigOf, type DefaultContext } from './domain.js';
import { boolean, duration, hostPort, httpUrl, integer, oneOf, text } from './setting-kinds.js';

/** A Docker/Podman API address as DOCKER_HOST spells it. */
function dockerHost() {
  return z.string().transform((value, ctx) => {
    const text = value.trim();
    if (/^unix:\/\/\/./.test(text) || /^tcp:\/\/[^/\s]+:\d{1,5}\/?$/.test(text)) return text;
    ctx.addIssue({ code: 'custom', message: 'expected unix:///path/to.sock or tcp://HOST:PORT' });
    return z.NEVER;
  });
}

/** Image references or globs: a list in the config file, comma-separated from env and flags. */
function imageList() {
  return z.union([z.array(z.string()), z.string()]).transform((value, ctx) => {
    const items = (typeof value === 'string' ? value.split(',') : value).map((item) => item.trim()).filter((item) => item !== '');
    const bad = items.find((item) => /\s/.test(item));
    if (bad !== undefined) {
      ctx.addIssue({ code: 'custom', message: `expected image references or globs separated by commas, got ${JSON.stringify(bad)}` });
      return z.NEVER;
    }
    return items;
  });
}

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
  storeSync: {
    schema: oneOf(['normal', 'full'] as const),
    valueName: 'MODE',
    description:
      'when a store commit reaches the disk: full (fsync every commit: what was acknowledged survives a power loss) or normal (no fsync per commit, faster: a killed server still loses nothing, a power loss may lose the last commits); docs/store.md',
    default: 'full',
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
  adminPassword: {
    schema: text({ minLength: 8 }),
    valueName: 'PASSWORD',
    description: 'password of the `admin` user created at first start (at least 8 characters); generated and printed once when unset; ignored once users exist',
    secret: true,
  },
  jwtKey: {
    schema: text({ minLength: 32 }),
    valueName: 'KEY',
    description: 'HS256 key that signs access tokens (at least 32 characters); default: generated into <dataDir>/jwt.key (mode 0600)',
    secret: true,
  },
  secretKey: {
    schema: text({ minLength: 40 }),
    valueName: 'BASE64',
    description: 'AES-256 key that encrypts secrets at rest (32 bytes, base64; more keys after commas only decrypt, during a rotation); default: generated into <dataDir>/secret.key (mode 0600)',
    secret: true,
  },
  accessTokenTtl: {
    schema: duration({ minMs: 10_000 }),
    valueName: 'DURATION',
    description: 'lifetime of the access tokens (JWT) login and refresh return',
    default: '15m',
  },
  refreshTokenTtl: {
    schema: duration({ minMs: 60_000 }),
    valueName: 'DURATION',
    description: 'lifetime of a refresh token (each is used once and replaced)',
    default: '30d',
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
    // GANTRY_AGENT_* belongs to `gantry agent` (remote agents): a machine running both must be
    // able to size each on its own.
    env: 'GANTRY_EMBEDDED_AGENT_CAPACITY',
  },
  shutdownGrace: {
    schema: duration(),
    valueName: 'DURATION',
    description: 'on SIGTERM, how long running jobs may finish before they are canceled',
    default: '30s',
  },
  maxConcurrentRuns: {
    schema: integer({ min: 1 }),
    valueName: 'N',
    description: 'runs running at once over all projects (each project\'s own limit still applies); unset: no global limit',
  },
  maxConcurrentJobs: {
    schema: integer({ min: 1 }),
    valueName: 'N',
    description: 'jobs running at once over all agents; unset: the agents\' capacity is the limit',
  },
  retentionDays: {
    schema: integer({ min: 0 }),
    valueName: 'DAYS',
    description: 'delete ended runs, with their logs, that finished more than this many days ago; 0 keeps them whatever their age',
    default: 90,
  },
  retentionRunsPerProject: {
    schema: integer({ min: 0 }),
    valueName: 'N',
    description: 'keep at most this many newest runs per project (older ended runs are deleted, with their logs); 0: no limit',
    default: 500,
  },
  publicUrl: {
    schema: httpUrl(),
    valueName: 'URL',
    description: 'URL people and forges reach the server at (links, webhooks); default: the listen address',
  },
  metricsToken: {
    schema: text({ minLength: 16 }),
    valueName: 'TOKEN',
    description: 'bearer token Prometheus scrapes /metrics with (at least 16 characters); unset: /metrics needs an admin',
    secret: true,
  },
  agentListen: {
    schema: hostPort(),
    valueName: 'HOST:PORT',
    description: 'address of the agent port (gRPC) remote agents connect to, e.g. 0.0.0.0:8081; unset: no remote agents',
  },
  agentTlsCert: {
    schema: text(),
    valueName: 'FILE',
    description: 'PEM certificate (chain) of the agent port; with agentTlsKey, agents connect over TLS',
    path: true,
  },
  agentTlsKey: {
    schema: text(),
    valueName: 'FILE',
    description: 'PEM private key of the agent port\'s certificate',
    path: true,
  },
  agentTlsClientCa: {
    schema: text(),
    valueName: 'FILE',
    description: 'PEM CA certificate: agents must present a client certificate it signed (mutual TLS)',
    path: true,
  },
  artifactMaxSizeMb: {
    schema: integer({ min: 1 }),
    valueName: 'MIB',
    description: 'largest artifact archive a job may upload, in MiB (a larger one is refused whole)',
    default: 1024,
  },
  artifactRetention: {
    schema: duration({ minMs: 60_000 }),
    valueName: 'DURATION',
    description: 'how long artifacts are kept when the pipeline sets no `retention` (expired ones are deleted with their files)',
    default: '30d',
  },
  cacheMaxEntrySizeMb: {
    schema: integer({ min: 1 }),
    valueName: 'MIB',
    description: 'largest cache archive a job may save, in MiB (a larger one is not stored)',
    default: 2048,
  },
  cacheQuotaMbPerProject: {
    schema: integer({ min: 1 }),
    valueName: 'MIB',
    description: 'cache space per project, in MiB: saving past it evicts the least recently used entries',
    default: 10240,
  },
  dockerHost: {
    schema: dockerHost(),
    valueName: 'URL',
    description: 'Docker or Podman API socket for jobs with `image:` (unix:///run/podman/podman.sock, tcp://HOST:PORT); unset: DOCKER_HOST, else such jobs end in error',
  },
  dockerCertPath: {
    schema: text(),
    valueName: 'DIR',
    description: 'TLS for a tcp:// dockerHost: directory with ca.pem (the engine\'s CA), cert.pem and key.pem (this client); unset: DOCKER_CERT_PATH (default ~/.docker) when DOCKER_TLS_VERIFY is set, else plain HTTP',
    path: true,
  },
  privilegedImages: {
    schema: imageList(),
    valueName: 'IMAGES',
    description: 'images jobs may run with `privileged: true`, comma-separated; `*` matches within a path segment, `**` across (e.g. docker:*-dind)',
    default: '',
    defaultText: 'none',
  },
});

export type ServerConfig = ConfigOf<typeof serverSettings.defs>;

/** The container engine the server's agent uses: the dockerHost setting, else DOCKER_HOST. */
export function resolveDockerHost(config: Pick<ServerConfig, 'dockerHost'>, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (config.dockerHost !== undefined) return config.dockerHost;
  const fromEnv = env.DOCKER_HOST?.trim();
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}

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
