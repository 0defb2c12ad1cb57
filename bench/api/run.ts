/**
 * `npm run bench:api` — the REST API and the live log fan-out of the real `gantry server` process,
 * each against a bare baseline measured in this run on this machine (docs/benchmarks.md, "bench:api"):
 *
 *   (a) GET /api/v1/projects/p/runs (the list, 50 runs) and GET /api/v1/projects/p/runs/N (one run's
 *       detail) with 10,000 runs stored (20 projects × 500, the default retention per project): p50/p99 latency and requests/s under autocannon from its own
 *       process, against a bare fastify route (its own process) answering the very same bytes.
 *   (b) one step printing 100k lines, followed live by 50 SSE followers (the real stream route; the
 *       followers in their own process, resuming like `gantry logs -f` when the server drops a lagging
 *       one), lines/s per follower and over all, against a bare node:http SSE server writing the same
 *       events in batches of 1000. Target ≥ 0.5× of it.
 *
 *   npx tsx bench/api/run.ts [--projects 20] [--per-project 500] [--duration 5] [--connections 10] [--lines 100000] [--followers 50] [--reps 2] [--skip-a] [--skip-b]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleCli } from '../../scripts/bundle.mjs';
import { createTestOrigin } from '../../src/server/repos/test-origin.js';
import { apiClient, startServerProcess, TOKEN, type ServerProcess } from '../server/server-process.js';
import { mark, sleep } from '../server/stats.js';
import { startChild } from './children.js';
import { fillStore } from './seed.js';

const BUNDLE_DIR = fileURLToPath(new URL('../../.tmp/bench-api', import.meta.url));
const CAPACITY = 2;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const DETAIL_PIPELINE = `version: 1
on: { api: {} }
jobs:
  build:
    checkout: false
    steps:
      - run: echo build
      - run: echo package
  test:
    needs: [build]
    checkout: false
    steps:
      - run: echo test
`;
// The sleep lets the followers connect before the first line, so they measure live fan-out, not replay.
const LIVE_PIPELINE = (lines: number) => `version: 1
on: { api: {} }
jobs:
  talk:
    checkout: false
    steps:
      - run: "sleep 2; seq 1 ${lines} | sed 's/^/line /'"
`;

type Api = ReturnType<typeof apiClient>;

async function trigger(api: Api, project: string): Promise<number> {
  const r = await api.call('POST', `/api/v1/projects/${project}/runs`, {});
  if (r.status !== 201) throw new Error(`trigger ${project}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
  return (r.json as { number: number }).number;
}

async function untilFinal(api: Api, project: string, number: number, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status } = (await api.call('GET', `/api/v1/projects/${project}/runs/${number}`)).json as { status: string };
    if (['success', 'failure', 'canceled', 'error'].includes(status)) return status;
    if (Date.now() > deadline) throw new Error(`run #${number} of ${project} still ${status}`);
    await sleep(50);
  }
}

interface Load {
  p50: number;
  p99: number;
  mean: number;
  rps: number;
  total: number;
  non2xx: number;
  errors: number;
}

async function load(url: string, seconds: number, connections: number, auth: boolean): Promise<Load> {
  const options = { url, connections, duration: seconds, headers: auth ? { authorization: `Bearer ${TOKEN}` } : {} };
  const result = await startChild('./load.mjs', [JSON.stringify(options)]).result<Load>();
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result;
}

interface Follower {
  lastSeq: number;
  firstAt: number;
  endAt: number;
  reconnects: number;
}

interface FanOut {
  /** Sum over followers of lines received ÷ (last follower's end − first line anywhere). */
  aggregate: number;
  /** Mean over followers of its lines ÷ (its end − its first line). */
  perFollower: number;
  seconds: number;
  reconnects: number;
}

function fanOut(results: Follower[], lines: number): FanOut {
  const short = results.filter((r) => r.lastSeq !== lines);
  if (short.length > 0) throw new Error(`${short.length} followers ended at line ${short[0]!.lastSeq}, not ${lines}`);
  const seconds = (Math.max(...results.map((r) => r.endAt)) - Math.min(...results.map((r) => r.firstAt))) / 1000;
  const per = results.map((r) => lines / ((r.endAt - r.firstAt) / 1000));
  return {
    aggregate: (lines * results.length) / seconds,
    perFollower: per.reduce((a, b) => a + b, 0) / per.length,
    seconds,
    reconnects: results.reduce((n, r) => n + r.reconnects, 0),
  };
}

async function gantryFanOut(server: ServerProcess, api: Api, lines: number, followers: number): Promise<FanOut> {
  const number = await trigger(api, 'live');
  const url = `${server.url}/api/v1/projects/live/runs/${number}/jobs/talk/logs/stream`;
  const child = startChild('./followers.mjs', [url, String(followers), TOKEN]);
  await child.line(/^ready$/m);
  const result = fanOut(await child.result<Follower[]>(), lines);
  if ((await untilFinal(api, 'live', number)) !== 'success') throw new Error(`live run #${number} did not succeed`);
  return result;
}

async function bareFanOut(lines: number, followers: number): Promise<FanOut> {
  const bare = startChild('./bare-sse.mjs', [String(lines), String(followers), '1000']);
  try {
    const [, url] = await bare.line(/^listening (\S+)$/m);
    return fanOut(await startChild('./followers.mjs', [url!, String(followers), '-']).result<Follower[]>(), lines);
  } finally {
    bare.stop();
  }
}

const n = (v: number, digits = 0) => v.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function apiLatency(server: ServerProcess, dir: string, perProject: number, runs: number): Promise<void> {
  const seconds = arg('duration', 5);
  const connections = arg('connections', 10);
  const paths = [['list', '/api/v1/projects/p/runs'], ['detail', `/api/v1/projects/p/runs/${Math.floor(perProject / 2)}`]] as const;
  const files = await Promise.all(paths.map(async ([name, path], i) => {
    const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    if (response.status !== 200) throw new Error(`GET ${path}: HTTP ${response.status}`);
    const file = join(dir, `${i}-${name}.json`);
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    return file;
  }));
  const bare = startChild('./bare-json.mjs', files);
  try {
    const [, bareUrl] = await bare.line(/^listening (\S+)$/m);
    console.log(`(a) API latency with ${n(runs)} runs stored — autocannon ${connections} connections × ${seconds} s from its own process, after 1 s warm-up each`);
    for (const [i, [name, path]] of paths.entries()) {
      const size = (await fetch(`${bareUrl}/${i}`).then((r) => r.arrayBuffer())).byteLength;
      await load(`${server.url}${path}`, 1, connections, true);
      await load(`${bareUrl}/${i}`, 1, connections, false);
      const g = await load(`${server.url}${path}`, seconds, connections, true);
      const b = await load(`${bareUrl}/${i}`, seconds, connections, false);
      console.log(`  ${name} GET ${path} (${n(size)} bytes)`);
      console.log(`    gantry        p50 ${String(g.p50).padStart(3)} ms  p99 ${String(g.p99).padStart(3)} ms  mean ${g.mean.toFixed(2)} ms  ${n(g.rps).padStart(7)} req/s`);
      console.log(`    bare fastify  p50 ${String(b.p50).padStart(3)} ms  p99 ${String(b.p99).padStart(3)} ms  mean ${b.mean.toFixed(2)} ms  ${n(b.rps).padStart(7)} req/s`);
      console.log(`    gantry ÷ bare  mean latency ${(g.mean / b.mean).toFixed(2)}×, p99 ${(g.p99 / Math.max(1, b.p99)).toFixed(2)}×, req/s ${(g.rps / b.rps).toFixed(2)}×`);
    }
  } finally {
    bare.stop();
  }
  console.log();
}

async function liveFanOut(server: ServerProcess, api: Api): Promise<void> {
  const lines = arg('lines', 100_000);
  const followers = arg('followers', 50);
  const reps = arg('reps', 2);
  const gantry: FanOut[] = [];
  const bare: FanOut[] = [];
  for (let i = 0; i < reps; i++) {
    gantry.push(await gantryFanOut(server, api, lines, followers));
    bare.push(await bareFanOut(lines, followers));
  }
  const best = (all: FanOut[]) => all.reduce((a, b) => (b.aggregate > a.aggregate ? b : a));
  const g = best(gantry);
  const b = best(bare);
  const show = (f: FanOut) => `${n(f.aggregate).padStart(10)} lines/s over all, ${n(f.perFollower).padStart(8)} per follower (${f.seconds.toFixed(2)} s, ${f.reconnects} reconnects)`;
  console.log(`(b) live log fan-out: one step printing ${n(lines)} lines, ${followers} SSE followers in their own process; best of ${reps}, interleaved`);
  console.log(`    gantry (real stream route)  ${show(g)}   runs: ${gantry.map((f) => n(f.aggregate)).join(', ')}`);
  console.log(`    bare node:http SSE server   ${show(b)}   runs: ${bare.map((f) => n(f.aggregate)).join(', ')}`);
  console.log(`    gantry ÷ bare               ${(g.aggregate / b.aggregate).toFixed(2)}×  ${mark(g.aggregate / b.aggregate >= 0.5)} (target ≥ 0.5)`);
}

async function main(): Promise<void> {
  const started = performance.now();
  const projects = arg('projects', 20);
  const perProject = arg('per-project', 500);
  const bundle = await bundleCli(BUNDLE_DIR);
  const detailOrigin = createTestOrigin();
  const liveOrigin = createTestOrigin();
  const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-api-'));
  const dataDir = join(dir, 'data');
  let server: ServerProcess | undefined;
  try {
    detailOrigin.commit({ '.gantry.yml': DETAIL_PIPELINE });
    liveOrigin.commit({ '.gantry.yml': LIVE_PIPELINE(arg('lines', 100_000)) });
    server = await startServerProcess(bundle, dataDir, CAPACITY);
    let api = apiClient(server.url);
    for (const [name, repoUrl] of [['p', detailOrigin.bare], ['live', liveOrigin.bare]] as const) {
      const r = await api.call('POST', '/api/v1/projects', { name, repoUrl, forge: 'generic' });
      if (r.status !== 201) throw new Error(`create project ${name}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
    }
    if ((await untilFinal(api, 'p', await trigger(api, 'p'))) !== 'success') throw new Error('the template run did not succeed');
    await server.stop();
    fillStore(join(dataDir, 'gantry.db'), 'p', projects, perProject);
    server = await startServerProcess(bundle, dataDir, CAPACITY);
    api = apiClient(server.url);
    console.log(`gantry API benchmark — \`gantry server\` from a bundle of the current sources as its own process, embedded agent at capacity ${CAPACITY}\n`);
    if (!process.argv.includes('--skip-a')) await apiLatency(server, dir, perProject, projects * perProject);
    if (!process.argv.includes('--skip-b')) await liveFanOut(server, api);
  } finally {
    await server?.stop();
    detailOrigin.cleanup();
    liveOrigin.cleanup();
    rmSync(dir, { recursive: true, force: true });
    rmSync(BUNDLE_DIR, { recursive: true, force: true });
  }
  console.log(`\n(${((performance.now() - started) / 1000).toFixed(0)} s in all)`);
}

await main();
