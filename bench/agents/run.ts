/**
 * `npm run bench:agents` — remote agents (gRPC) against the embedded agent, in one run, on this
 * machine, every server and agent a process of the bundle of the current sources:
 *
 *   (a) lease → first step: the median time from a job's lease (its `startedAt`) to its step's
 *       start, over N sequential one-step runs — embedded agent vs one remote agent on 127.0.0.1.
 *       Target: within a few ms of the embedded agent (the lease is a long poll: no polling delay).
 *   (b) 200 one-step runs queued through the API and drained, in jobs/s: 2 remote agents of
 *       capacity 1 vs the embedded agent of capacity 2.
 *
 *   npx tsx bench/agents/run.ts [--n 50] [--runs 200]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestOrigin } from '../../src/server/repos/test-origin.js';
import { drain, latency, ONE_TRUE_JOB } from '../server/api-parts.js';
import { buildPrivateBundle, removePrivateBundle } from '../server/bundle.js';
import { apiClient, startServerProcess, type ServerProcess } from '../server/server-process.js';

const LAUNCH = fileURLToPath(new URL('../server/launch.mjs', import.meta.url));
const LEASE_TO_STEP = 'job started → step started (workspace, spawner)';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const ms = (v: number): string => `${v.toFixed(1)} ms`;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** `gantry agent` from the bundle; resolves once it registered. */
async function startAgent(bundle: string, address: string, token: string, name: string, workDir: string): Promise<ChildProcess> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GANTRY_')) env[k] = v;
  const child = spawn(process.execPath, [LAUNCH, bundle, 'agent', '--server', `grpc://${address}`, '--token', token, '--name', name, '--labels', 'local', '--capacity', '1', '--work-dir', workDir], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent did not register:\n${stderr}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`agent exited ${code}:\n${stderr}`)));
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/registered/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return child;
}

interface Figures {
  phases: [string, number][];
  leaseToStep: number;
  triggerToFinal: number;
  jobsPerSec: number;
}

async function measure(server: ServerProcess, repo: string, n: number, runs: number): Promise<Figures> {
  const api = apiClient(server.url);
  for (const name of ['lat', 'drain']) {
    const r = await api.call('POST', '/api/v1/projects', { name, repoUrl: repo, forge: 'generic' });
    if (r.status !== 201) throw new Error(`create project: HTTP ${r.status} ${JSON.stringify(r.json)}`);
  }
  const a = await latency(server, 'lat', n, 10);
  const b = await drain(server, 'drain', runs, 2);
  return { phases: a.phases, leaseToStep: a.phases.find(([name]) => name === LEASE_TO_STEP)![1], triggerToFinal: a.median, jobsPerSec: b.jobsPerSec };
}

async function withServer<T>(bundle: string, capacity: number, args: string[], body: (server: ServerProcess, dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-agents-'));
  let server: ServerProcess | undefined;
  try {
    server = await startServerProcess(bundle, join(dir, 'data'), capacity, args);
    return await body(server, dir);
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const n = arg('n', 50);
  const runs = arg('runs', 200);
  const bundle = await buildPrivateBundle();
  const origin = createTestOrigin();
  try {
    origin.commit({ '.gantry.yml': ONE_TRUE_JOB });
    console.log('gantry remote-agent benchmark — server and agents are processes of the bundle of the current sources, on 127.0.0.1\n');
    const embedded = await withServer(bundle, 2, [], (server) => measure(server, origin.bare, n, runs));
    const address = `127.0.0.1:${await freePort()}`;
    const remote = await withServer(bundle, 1, ['--embedded-agent', 'false', '--agent-listen', address], async (server, dir) => {
      const created = await apiClient(server.url).call('POST', '/api/v1/agent-tokens', { name: 'bench' });
      const token = (created.json as { token: string }).token;
      const agents = [await startAgent(bundle, address, token, 'r1', join(dir, 'w1')), await startAgent(bundle, address, token, 'r2', join(dir, 'w2'))];
      try {
        return await measure(server, origin.bare, n, runs);
      } finally {
        for (const agent of agents) agent.kill('SIGKILL');
      }
    });
    console.log(`(a) lease → first step, median of ${n} sequential one-step runs (server timestamps, 1 ms resolution)`);
    console.log(`    embedded agent          ${ms(embedded.leaseToStep).padStart(9)}   (trigger → final ${ms(embedded.triggerToFinal)})`);
    console.log(`    remote agent (gRPC)     ${ms(remote.leaseToStep).padStart(9)}   (trigger → final ${ms(remote.triggerToFinal)})`);
    console.log(`    remote − embedded       ${ms(remote.leaseToStep - embedded.leaseToStep).padStart(9)}   (target: a few ms)`);
    console.log('    where the time goes (medians)                              embedded     remote');
    embedded.phases.forEach(([name, v], k) => console.log(`      ${name.padEnd(58)} ${ms(v).padStart(9)} ${ms(remote.phases[k]![1]).padStart(9)}`));
    console.log();
    console.log(`(b) ${runs} one-step runs queued through the API, drained`);
    console.log(`    embedded agent, capacity 2          ${embedded.jobsPerSec.toFixed(1).padStart(7)} jobs/s`);
    console.log(`    2 remote agents, capacity 1 each    ${remote.jobsPerSec.toFixed(1).padStart(7)} jobs/s`);
    console.log(`    remote ÷ embedded                   ${(remote.jobsPerSec / embedded.jobsPerSec).toFixed(2)}×`);
  } finally {
    origin.cleanup();
    removePrivateBundle();
  }
}

await main();
