// In-process app with accounts for the auth tests: the real HTTP app with every option, a real
// SQLite file, JWT and API-token authenticators, login limiter, users with project roles.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { ManualClock } from '../../../src/core/index.js';
import { createAgentRegistry, type QueueStats } from '../../../src/engine/index.js';
import type { LoginView, Problem } from '../../../src/api-client/index.js';
import {
  createHttpApp, createJwtAuthenticator, createJwtService, createLoginLimiter, createTokenAuthenticator, generateToken, hashPassword,
  hashToken, type JwtService, type LoginLimits,
} from '../../../src/server/index.js';
import type { RunControl } from '../../../src/server/http/routes/run-actions.js';
import type { ApprovalControl } from '../../../src/server/http/routes/approvals.js';
import { BlobFiles } from '../../../src/server/artifacts/index.js';
import { createLiveHub } from '../../../src/server/live/index.js';
import { createServerMetrics } from '../../../src/server/metrics/index.js';
import { createRepoMirrors } from '../../../src/server/repos/index.js';
import type { Project, ProjectRole, Store, TokenScope, User } from '../../../src/store/index.js';
import { openTempSqliteStore, type TempSqliteStore } from '../../../src/store/sqlite/index.js';

export const JWT_KEY = new TextEncoder().encode('k'.repeat(32) + '-test-jwt-signing-key');
export const PASSWORD = 'correct horse battery';

export interface AccountsApp {
  app: FastifyInstance;
  store: Store;
  clock: ManualClock;
  jwt: JwtService;
  /** A private project `alpha` and a private project `beta`. */
  alpha: Project;
  beta: Project;
  /** Creates a user (password PASSWORD) with an optional role in a project. */
  user(username: string, options?: { admin?: boolean; role?: ProjectRole; project?: Project }): Promise<User>;
  /** A personal API token of the user, stored as the API would store it. */
  token(user: User, options?: { scope?: TokenScope; expiresAt?: number | null }): Promise<string>;
  login(username: string, password?: string): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

const unused = () => Promise.reject(new Error('not used in these tests'));

let hashed: Promise<string> | undefined;

export async function startAccountsApp(options: { limits?: LoginLimits } = {}): Promise<AccountsApp> {
  const temp: TempSqliteStore = await openTempSqliteStore();
  const scratch = mkdtempSync(join(tmpdir(), 'gantry-accounts-'));
  const clock = new ManualClock(Date.now());
  const store = temp.store;
  const jwt = createJwtService({ key: JWT_KEY, ttlMs: 15 * 60_000, clock });
  const now = () => clock.now();
  const repos = createRepoMirrors({ dataDir: scratch, clock });
  const control: RunControl & ApprovalControl = { cancel: unused, retry: unused, decide: unused };
  const queue = (): QueueStats => ({ depth: 0 }) as unknown as QueueStats;
  const app = await createHttpApp({
    store,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    authenticators: [createJwtAuthenticator(jwt), createTokenAuthenticator(store.tokens, now, () => {})],
    accounts: { jwt, limiter: createLoginLimiter(options.limits ?? { perUser: 5, perAddress: 20, windowMs: 60_000 }, now), refreshTtlMs: 86_400_000, now },
    readiness: [],
    runs: { repos, createRun: unused },
    runControl: control,
    live: { hub: createLiveHub() },
    metrics: { collector: createServerMetrics({ runs: store.runs, queue, liveSubscribers: () => 0 }) },
    agents: createAgentRegistry({ clock }),
    info: { embeddedAgent: false, startedAt: clock.now(), now },
    projectFiles: repos,
    artifacts: new BlobFiles(join(scratch, 'blobs')),
  });
  const alpha = await store.projects.create({ name: 'alpha', repoUrl: join(scratch, 'missing-alpha.git'), forge: 'generic' });
  const beta = await store.projects.create({ name: 'beta', repoUrl: join(scratch, 'missing-beta.git'), forge: 'generic' });
  return {
    app, store, clock, jwt, alpha, beta,
    async user(username, userOptions = {}) {
      hashed ??= hashPassword(PASSWORD);
      const user = await store.users.create({ username, passwordHash: await hashed, admin: userOptions.admin === true });
      if (userOptions.role) await store.members.set((userOptions.project ?? alpha).id, user.id, userOptions.role);
      return user;
    },
    async token(user, tokenOptions = {}) {
      const token = generateToken();
      await store.tokens.create({ name: `${user.username} test`, hash: hashToken(token), userId: user.id, scope: tokenOptions.scope ?? 'write', expiresAt: tokenOptions.expiresAt ?? null });
      return token;
    },
    login: (username, password = PASSWORD) => app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } }),
    async close() {
      await app.close();
      await repos.close();
      await temp.cleanup();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export function loginOf(res: LightMyRequestResponse): LoginView {
  if (res.statusCode !== 200) throw new Error(`login answered ${res.statusCode}: ${res.body}`);
  return res.json<LoginView>();
}

export function codeOf(res: LightMyRequestResponse): string | undefined {
  try {
    return res.json<Problem>().code;
  } catch {
    return undefined;
  }
}
