// In-process server for tests: the real HTTP app (app.inject), a real SQLite file, real git mirrors
// of a real bare "origin" repository, and the real run creator.
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { systemClock } from '../../../src/core/index.js';
import { createHttpApp, createTokenAuthenticator, ensureAdminToken } from '../../../src/server/index.js';
import { createRepoMirrors, type RepoMirrors } from '../../../src/server/repos/index.js';
import { createTestOrigin, type TestOrigin } from '../../../src/server/repos/test-origin.js';
import { createRunFromEvent } from '../../../src/server/runs/index.js';
import type { ForgeKind, Project, Store } from '../../../src/store/index.js';
import { openTempSqliteStore, type TempSqliteStore } from '../../../src/store/sqlite/index.js';

export const TOKEN = 'gantry_test-admin-token-0123456789';
export const auth = { authorization: `Bearer ${TOKEN}` };

export const PIPELINE = `version: 1
on:
  push: { branches: [main, "feature/**"] }
  tag: { patterns: ["v*"] }
  pull_request: { branches: [main] }
  manual:
    inputs:
      target: { default: staging, options: [staging, production] }
  api:
    inputs:
      target: { default: staging, options: [staging, production] }
jobs:
  build:
    steps:
      - run: echo build
      - run: echo more
  test:
    needs: [build]
    steps:
      - run: echo test
`;

export interface Harness {
  origin: TestOrigin;
  store: Store;
  repos: RepoMirrors;
  app: FastifyInstance;
  /** Commit ids on main: the first commit (with the pipeline file). */
  main: string;
  /** Deliveries that failed authentication get `unverified-<n>`. */
  project(name: string, forge: ForgeKind, secret?: string | null, repoUrl?: string): Promise<Project>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const origin = createTestOrigin();
  const main = origin.commit({ '.gantry.yml': PIPELINE, 'README.md': 'hello\n' }, { message: 'first' });
  let temp: TempSqliteStore | undefined;
  try {
    temp = await openTempSqliteStore();
    const store = temp.store;
    await ensureAdminToken(store.tokens, TOKEN);
    const repos = createRepoMirrors({ dataDir: join(origin.scratch, 'data'), clock: systemClock });
    let ids = 0;
    const app = await createHttpApp({
      store,
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      authenticators: [createTokenAuthenticator(store.tokens, () => Date.now(), () => {})],
      readiness: [],
      runs: { repos, createRun: createRunFromEvent({ store, repos, clock: systemClock }) },
      newId: () => String(++ids),
    });
    const t = temp;
    return {
      origin,
      store,
      repos,
      app,
      main,
      project: (name, forge, secret = 'hook-secret', repoUrl = origin.bare) => store.projects.create({ name, repoUrl, forge, webhookSecret: secret }),
      async close() {
        await app.close();
        await t.cleanup();
        origin.cleanup();
      },
    };
  } catch (err) {
    await temp?.cleanup();
    origin.cleanup();
    throw err;
  }
}
