// Test fixture for the live-log tests: startServer in this process (real SQLite, real git origin,
// embedded agent running real shell steps) with one project whose `talk` job prints 20 lines 50 ms
// apart, and `nap` (input nap=yes) that sleeps after it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApiClient, type ApiClient } from '../../api-client/index.js';
import { loadConfig, serverSettings } from '../../config/index.js';
import { startServer, type RunningServer } from '../index.js';
import { createTestOrigin } from '../repos/test-origin.js';

export const LIVE_TOKEN = 'live-logs-test-admin-token';
export const LIVE_PROJECT = 'live';
const PIPELINE = `version: 1
on:
  api: { inputs: { nap: { default: "no", options: ["no", "yes"] } } }
jobs:
  talk:
    steps:
      - run: "for i in $(seq 1 20); do echo line $i; sleep 0.05; done"
  nap:
    needs: [talk]
    if: inputs.nap == 'yes'
    steps:
      - run: "echo napping; sleep 5"
`;

export interface LiveTestServer {
  server: RunningServer;
  api: ApiClient;
  trigger(inputs?: Record<string, string>): Promise<{ number: number; id: number }>;
  /** Stops the server (if the test did not) and removes the data and origin. */
  cleanup(): Promise<void>;
}

export async function startLiveTestServer(): Promise<LiveTestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-live-'));
  const config = loadConfig(serverSettings, {
    env: { GANTRY_LISTEN: '127.0.0.1:0', GANTRY_DATA_DIR: dir, GANTRY_ADMIN_TOKEN: LIVE_TOKEN, GANTRY_LOG_LEVEL: 'warn', GANTRY_SHUTDOWN_GRACE: '1s' },
    context: { cwd: dir, isTty: false },
  });
  const server = await startServer(config, { announce: () => {}, logDestination: new Writable({ write: (_c, _e, done) => done() }) });
  const origin = createTestOrigin();
  origin.commit({ '.gantry.yml': PIPELINE }, { message: 'live' });
  const api = createApiClient({ baseUrl: server.url, token: LIVE_TOKEN });
  await api.projects.create({ name: LIVE_PROJECT, repoUrl: origin.bare });
  return {
    server,
    api,
    trigger: async (inputs = {}) => {
      const run = await api.runs.trigger(LIVE_PROJECT, { inputs });
      return { number: run.number, id: run.id };
    },
    cleanup: async () => {
      await server.stop('test');
      origin.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
