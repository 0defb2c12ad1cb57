// A real `gantry server` process on 127.0.0.1 with a data dir, a real bare origin repository, the
// REST API and signed generic webhooks: what the process-level scheduling tests share.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { RunDetailView } from '../../../src/api-client/index.js';
import { createTestOrigin, type TestOrigin } from '../../../src/server/repos/test-origin.js';
import { serverApi, signalServer, startServerProcess, type ApiAnswer, type ServerProcess } from '../../helpers/server-process.js';
import { waitFor } from '../../helpers/service-harness.js';
import { signedGeneric } from './webhooks.js';

export const TOKEN = 'gantry_process-test-token-0123456789abcdef';
export const HOOK_SECRET = 'process-hook-secret';
const FINAL = ['success', 'failure', 'canceled', 'error', 'skipped'];

export interface ProcessWorld {
  dataDir: string;
  origin: TestOrigin;
  /** The server started last. */
  server: ServerProcess;
  api(method: string, path: string, body?: unknown): Promise<ApiAnswer>;
  /** (Re)starts the server on the same data dir with these GANTRY_* settings. */
  start(env?: Record<string, string>): Promise<ServerProcess>;
  /** Signals the server and resolves with its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** A generic project of the origin repository with a webhook secret. */
  addProject(name: string, settings?: Record<string, unknown>): Promise<void>;
  /** The signed generic webhook of a push of `refs/heads/main` to `sha`; resolves with the HTTP status. */
  push(project: string, sha: string, before: string, deliveryId: string): Promise<number>;
  run(project: string, number: number): Promise<RunDetailView>;
  /** Polls the run until `accept` says yes (default: a final status). */
  waitRun(project: string, number: number, what: string, accept?: (run: RunDetailView) => boolean, timeoutMs?: number): Promise<RunDetailView>;
}

export async function startProcessWorld(t: TestContext, env: Record<string, string> = {}): Promise<ProcessWorld> {
  const origin = createTestOrigin();
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-proc-'));
  const children: ServerProcess[] = [];
  t.after(() => {
    for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    origin.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const world: ProcessWorld = {
    dataDir,
    origin,
    server: undefined as unknown as ServerProcess,
    api: (method, path, body) => serverApi(world.server.url, TOKEN)(method, path, body),
    async start(extra = {}) {
      const server = await startServerProcess(dataDir, { args: ['--log-format', 'json'], env: { GANTRY_ADMIN_TOKEN: TOKEN, ...env, ...extra } });
      children.push(server);
      world.server = server;
      return server;
    },
    stop: (signal = 'SIGTERM') => signalServer(world.server.child, signal),
    async addProject(name, settings = {}) {
      const created = await world.api('POST', '/projects', { name, repoUrl: origin.bare, forge: 'generic', secret: HOOK_SECRET, settings });
      if (created.status !== 201) throw new Error(`project ${name}: ${created.status} ${JSON.stringify(created.json)}`);
    },
    async push(project, sha, before, deliveryId) {
      const request = signedGeneric(HOOK_SECRET, 'refs/heads/main', sha, deliveryId, before);
      const response = await fetch(`${world.server.url}/hooks/generic/${project}`, { method: 'POST', headers: request.headers, body: request.payload });
      await response.arrayBuffer();
      return response.status;
    },
    async run(project, number) {
      const got = await world.api('GET', `/projects/${project}/runs/${number}`);
      if (got.status !== 200) throw new Error(`run #${number} of ${project}: ${got.status} ${JSON.stringify(got.json)}`);
      return got.json as RunDetailView;
    },
    waitRun(project, number, what, accept = (run) => FINAL.includes(run.status), timeoutMs = 30_000) {
      return waitFor(`run #${number} of ${project}: ${what}`, async () => {
        const got = await world.api('GET', `/projects/${project}/runs/${number}`);
        if (got.status !== 200) return undefined;
        const run = got.json as RunDetailView;
        return accept(run) ? run : undefined;
      }, timeoutMs);
    },
  };
  await world.start();
  return world;
}

/** The job of the run is running its step (not only leased): the command has started. */
export const stepRunning = (jobId: string) => (run: RunDetailView): boolean =>
  run.jobs.some((job) => job.id === jobId && job.steps.some((step) => step.status === 'running'));
