import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTestOrigin } from '../../src/server/repos/test-origin.js';
import { runGantry, serverApi, startServerProcess } from '../helpers/server-process.js';
import { waitFor } from '../helpers/service-harness.js';
import { registered, startAgentProcess } from './agent-process.js';

/*
 * The network between a `gantry agent` and the server goes away while its job prints 3000 lines
 * (a TCP proxy in the test is cut; the server keeps running and the lease does not lapse): the
 * agent keeps running the job, spools what does not fit in memory to its work dir, and once the
 * proxy is back sends everything — each line stored once, in order — and removes the spool.
 */

const ADMIN = 'gantry_agent-log-spool-0123456789abcd';

/** A TCP proxy to `target` that can be cut (connections refused and dropped) and restored on the same port. */
async function proxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = () => new Promise<void>((resolve) => {
    server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s)).on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    server.listen(port, '127.0.0.1', () => {
      port = (server!.address() as { port: number }).port;
      resolve();
    });
  });
  await listen();
  return {
    get port() {
      return port;
    },
    cut() {
      server?.close();
      for (const s of sockets) s.destroy();
    },
    restore: listen,
    close() {
      this.cut();
    },
  };
}

test('server unreachable mid-job: the agent spools its log lines to disk and sends them all, once and in order, after reconnecting', { timeout: 180_000 }, async (t) => {
  const origin = createTestOrigin();
  const dir = mkdtempSync(join(tmpdir(), 'gantry-agent-spool-'));
  const children: ChildProcess[] = [];
  const closers: (() => void)[] = [];
  t.after(() => {
    for (const close of closers) close();
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    origin.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });
  const phase = (n: number) => join(dir, `phase${n}`);
  origin.commit({
    '.gantry.yml': `version: 1
on: { api: {} }
jobs:
  chatty:
    checkout: false
    runs_on: [spool]
    steps:
      - run: |
          echo ready
          while [ ! -f "${phase(1)}" ]; do sleep 0.05; done
          seq 1 3000 | sed 's/^/line /'
          touch "${phase(1)}.printed"
          while [ ! -f "${phase(2)}" ]; do sleep 0.05; done
          echo done
`,
  });
  const server = await startServerProcess(join(dir, 'data'), {
    args: ['--log-format', 'json', '--embedded-agent', 'false', '--agent-listen', '127.0.0.1:0', '--lease-ttl', '30s'],
    env: { GANTRY_ADMIN_TOKEN: ADMIN },
  });
  children.push(server.child);
  const [host, port] = /agent port \(gRPC\) listening on (\S+):(\d+)/.exec(server.stderr())!.slice(1) as [string, string];
  const cutter = await proxy({ host, port: Number(port) });
  closers.push(() => cutter.close());
  const created = await runGantry(['agent', 'token', 'create', 'spool'], { GANTRY_SERVER: server.url, GANTRY_TOKEN: ADMIN });
  assert.equal(created.code, 0, created.stderr);
  const work = join(dir, 'work');
  const agent = startAgentProcess(`grpc://127.0.0.1:${cutter.port}`, created.stdout.trim(), ['--name', 's1', '--labels', 'spool', '--work-dir', work]);
  children.push(agent.child);
  await registered(agent);
  const api = serverApi(server.url, ADMIN);
  assert.equal((await api('POST', '/projects', { name: 'p', repoUrl: origin.bare })).status, 201);
  assert.equal((await api('POST', '/projects/p/runs', {})).status, 201);
  const raw = async () => {
    const response = await fetch(`${server.url}/api/v1/projects/p/runs/1/jobs/chatty/logs/raw`, { headers: { authorization: `Bearer ${ADMIN}` } });
    return response.status === 200 ? response.text() : '';
  };
  await waitFor('the job to start', async () => (await raw()).includes('ready'), 60_000);

  cutter.cut();
  writeFileSync(phase(1), '');
  await waitFor('the job to print its lines', async () => existsSync(`${phase(1)}.printed`), 30_000);
  const spoolDir = join(work, 'spool');
  const spooled = await waitFor('lines in the spool file', async () => {
    const files = existsSync(spoolDir) ? readdirSync(spoolDir) : [];
    const count = files.reduce((n, f) => n + readFileSync(join(spoolDir, f), 'utf8').split('\n').filter(Boolean).length, 0);
    return count >= 1000 ? count : undefined;
  }, 30_000);
  assert.ok(!(await raw()).includes('line 3000'), 'nothing reached the server while it was unreachable');

  await cutter.restore();
  writeFileSync(phase(2), '');
  const run = await waitFor('the run to finish', async () => {
    const got = (await api('GET', '/projects/p/runs/1')).json as { status?: string };
    return got.status && !['queued', 'running'].includes(got.status) ? got : undefined;
  }, 90_000);
  assert.equal(run.status, 'success', agent.stderr());
  const numbered = (await raw()).split('\n').filter((l) => /line \d+$/.test(l)).map((l) => Number(/line (\d+)$/.exec(l)![1]));
  assert.deepEqual(numbered, Array.from({ length: 3000 }, (_, i) => i + 1), `every line once, in order (${spooled} were spooled)`);
  assert.deepEqual(existsSync(spoolDir) ? readdirSync(spoolDir) : [], [], 'the spool is removed after the job');
  assert.match(agent.stderr(), /log lines wait for the server: spooling to .*spool/);
});
