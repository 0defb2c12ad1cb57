// One real `gantry server` process per test file, a bare origin with a pipeline, and the CLI as
// subprocesses against it: what the CLI process tests share. Registers its own before/after.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { RunView } from '../../../src/api-client/index.js';
import { createTestOrigin, type TestOrigin } from '../../../src/server/repos/test-origin.js';
import { genericDelivery, ZERO_SHA } from '../../../src/triggers/index.js';
import { runGantry, serverApi, startServerProcess, type ApiAnswer } from '../../helpers/server-process.js';
import { PIPELINE } from './harness.js';

export interface CliServer {
  url: string;
  /** GANTRY_SERVER and GANTRY_TOKEN (the admin token the server printed). */
  env: Record<string, string>;
  origin: TestOrigin;
  /** The origin's first commit (with the pipeline). */
  sha: string;
  api(method: string, path: string, body?: unknown): Promise<ApiAnswer>;
  /** `gantry ARGS --json`, asserted to exit 0, parsed. */
  json<T>(args: string[], input?: string): Promise<T>;
  /** A signed generic webhook of a push of main to `sha`. */
  push(project: string, secret: string, deliveryId: string): Promise<Response>;
  /** Waits (through the API: cheaper than a CLI process per look) until no run of `project` is active. */
  settled(project: string): Promise<void>;
}

/** `project`: registered as a generic project with webhook secret `secret` before the tests, when given. */
export function useCliServer(prefix: string, project?: { name: string; secret: string }): CliServer {
  const dataDir = mkdtempSync(join(tmpdir(), `gantry-${prefix}-`));
  let child: ChildProcess | undefined;
  const world = { env: {}, url: '', sha: '' } as CliServer;
  before(async () => {
    world.origin = createTestOrigin();
    world.sha = world.origin.commit({ '.gantry.yml': PIPELINE }, { message: 'first' });
    const running = await startServerProcess(dataDir, { args: ['--log-format', 'json'] });
    child = running.child;
    world.url = running.url;
    world.env = { GANTRY_SERVER: running.url, GANTRY_TOKEN: running.token };
    world.api = serverApi(running.url, running.token);
    if (project) {
      const added = await world.api('POST', '/projects', { name: project.name, repoUrl: world.origin.bare, forge: 'generic', secret: project.secret });
      assert.equal(added.status, 201);
    }
  });
  after(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    world.origin?.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });
  world.json = async <T>(args: string[], input?: string): Promise<T> => {
    const res = await runGantry([...args, '--json'], world.env, input);
    assert.equal(res.code, 0, `gantry ${args.join(' ')}: ${res.stderr}`);
    return JSON.parse(res.stdout) as T;
  };
  world.push = (name, secret, deliveryId) => {
    const { body, headers } = genericDelivery({ ref: 'refs/heads/main', before: ZERO_SHA, after: world.sha }, secret, deliveryId);
    return fetch(`${world.url}/hooks/generic/${name}`, { method: 'POST', headers, body });
  };
  world.settled = async (name) => {
    for (let i = 0; i < 300; i++) {
      const active = (await world.api('GET', `/projects/${name}/runs?status=queued,waiting,running`)).json as { runs: RunView[] };
      if (active.runs.length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.fail('runs did not finish');
  };
  return world;
}
