/**
 * `npm run bench:server` — what the server costs over the bare work it does, every baseline
 * measured in this run on this machine:
 *
 *   (a) trigger → final of a one-job, one-step `true` run (`checkout: false`) through the HTTP API,
 *       median and p99 of N sequential runs, against the same HTTP round trips + `sh -c true`.
 *       Laminar (lean C++ CI server): 14-17 ms on these machines — a reference, not measured here.
 *   (b) 200 one-job runs queued through the API, drained by the embedded agent at capacity 2, in
 *       jobs/s, against a minimal Node executor running 200 `sh -c true` 2 at a time. Laminar: 60-110.
 *   (c) 1M log lines of one step to durable storage (agent protocol appendLogs → LogStore, SQLite
 *       WAL + synchronous FULL), lines/s, against a bare better-sqlite3 loop. Target ≥ 0.5×.
 *       Also end to end: a step printing 1M lines through the server process, trigger → final.
 *   (d) VmRSS of the idle server with its embedded agent, and of its child processes. Target ≤ 130 MiB.
 *       After the work: 3 s and 15 s idle (the server's idle GC runs after 5 s without runs).
 *
 *   npx tsx bench/server/run.ts [--n 50] [--runs 200] [--lines 1000000] [--skip-c] [--store-sync full|normal]
 *
 * --store-sync is the server's own setting (docs/store.md; default full), to measure what the fsync per
 * commit costs on this machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestOrigin } from '../../src/server/repos/test-origin.js';
import { drain, latency, logsEndToEnd, MANY_LINES_JOB, memory, ONE_TRUE_JOB, type MemoryResult } from './api-parts.js';
import { logAppend } from './log-append.js';
import { buildPrivateBundle, removePrivateBundle } from './bundle.js';
import { apiClient, startFlags, startServerProcess, type ServerProcess } from './server-process.js';
import { mark, sleep } from './stats.js';

const CAPACITY = 2;
const MIB = 1024;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const ms = (v: number): string => `${v.toFixed(1)} ms`;

function printMemory(title: string, m: MemoryResult): void {
  console.log(title);
  console.log(`    server process          ${(m.serverKib / MIB).toFixed(1)} MiB  ${mark(m.serverKib <= 130 * MIB)} (target ≤ 130 MiB)`);
  for (const c of m.children) console.log(`    + child ${String(c.pid).padEnd(8)} ${(c.kib / MIB).toFixed(1)} MiB  (${c.command})`);
  console.log(`    server + children       ${(m.totalKib / MIB).toFixed(1)} MiB  ${mark(m.totalKib <= 130 * MIB)} (target ≤ 130 MiB)`);
}

async function serverParts(server: ServerProcess, repo: string, logsRepo: string): Promise<void> {
  const n = arg('n', 50);
  const runs = arg('runs', 200);
  const api = apiClient(server.url);
  for (const [name, repoUrl] of [['lat', repo], ['drain', repo], ['logs', logsRepo]] as const) {
    const r = await api.call('POST', '/api/v1/projects', { name, repoUrl, forge: 'generic' });
    if (r.status !== 201) throw new Error(`create project: HTTP ${r.status} ${JSON.stringify(r.json)}`);
  }

  await sleep(3000);
  printMemory('(d) resident memory, idle after start (3 s), embedded agent on', memory(server));
  console.log();

  const a = await latency(server, 'lat', n, 10);
  const floor = a.httpPost + a.httpGet + a.spawnTrue;
  console.log(`(a) trigger → final, one job, one \`true\` step, checkout: false — ${n} sequential runs after 10 warm-up, polled every 2 ms`);
  console.log(`    gantry median           ${ms(a.median).padStart(9)}   p99 ${ms(a.p99)}   (min ${ms(Math.min(...a.samples))}, max ${ms(Math.max(...a.samples))})`);
  console.log(`    baseline: POST (404) ${ms(a.httpPost)} + GET /healthz ${ms(a.httpGet)} + spawn sh -c true ${ms(a.spawnTrue)} = ${ms(floor)}`);
  console.log(`    gantry ÷ baseline       median ${(a.median / floor).toFixed(1)}×, p99 ${(a.p99 / floor).toFixed(1)}×`);
  console.log('    where the time goes (medians; server timestamps have 1 ms resolution):');
  for (const [name, v] of a.phases) console.log(`      ${name.padEnd(58)} ${ms(v).padStart(9)}`);
  console.log(`    Laminar 14-17 ms (reference, not measured here): median ${mark(a.median < 14)} (target < 14 ms), p99 ${a.p99 < 17 ? 'below' : 'above'} 17 ms`);
  console.log();

  const b = await drain(server, 'drain', runs, CAPACITY);
  console.log(`(b) ${b.runs} one-job runs queued through the API (all accepted after ${ms(b.enqueueMs)}), drained at capacity ${CAPACITY}`);
  console.log(`    gantry                  ${b.jobsPerSec.toFixed(1).padStart(7)} jobs/s  (${ms(b.ms)} from first POST to last run final)`);
  console.log(`    of which the queue alone   ${b.tailJobsPerSec.toFixed(1).padStart(7)} jobs/s  (${b.leftAtEnqueue} runs not final when the last trigger was answered, drained in ${ms(b.ms - b.enqueueMs)})`);
  console.log(`    minimal node executor   ${b.minimalJobsPerSec.toFixed(1).padStart(7)} jobs/s  (sh -c true, parallel ${CAPACITY}, ${ms(b.minimalMs)})`);
  console.log(`    gantry ÷ minimal        ${(b.jobsPerSec / b.minimalJobsPerSec).toFixed(2)}×`);
  console.log(`    Laminar 60-110 jobs/s (reference, not measured here): ${mark(b.jobsPerSec >= 60)} (≥ 60), ${b.jobsPerSec >= 110 ? 'above' : 'below'} 110`);
  console.log();

  if (!process.argv.includes('--skip-c')) {
    const lines = arg('lines', 1_000_000);
    const e = await logsEndToEnd(server, 'logs', lines);
    console.log(`(c, end to end) one step printing ${lines} lines through the server process: trigger → run final`);
    console.log(`    ${ms(e.ms)}, ${Math.round((lines / e.ms) * 1000).toLocaleString('en')} lines/s (step output → spawner → agent → appendLogs → SQLite); last line stored: #${e.stored}`);
    console.log();
  }

  const what = `after (a), (b)${process.argv.includes('--skip-c') ? '' : ' and (c)'}`;
  await sleep(3000);
  printMemory(`(d) resident memory, idle again (3 s) ${what}`, memory(server));
  // The server gives the heap the work grew back once it has been idle for 5 s (src/server/idle-memory.ts).
  await sleep(12_000);
  printMemory(`(d) resident memory, idle for 15 s ${what} (after the server's idle GC)`, memory(server));
  console.log();
}

async function main(): Promise<void> {
  const bundle = await buildPrivateBundle();
  const origin = createTestOrigin();
  const logsOrigin = createTestOrigin();
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-bench-server-'));
  let server: ServerProcess | undefined;
  try {
    origin.commit({ '.gantry.yml': ONE_TRUE_JOB });
    logsOrigin.commit({ '.gantry.yml': MANY_LINES_JOB(arg('lines', 1_000_000)) });
    const syncAt = process.argv.indexOf('--store-sync');
    const storeSync = syncAt >= 0 ? process.argv[syncAt + 1]! : 'full';
    server = await startServerProcess(bundle, dataDir, CAPACITY, ['--store-sync', storeSync]);
    console.log(`gantry server benchmark — capacity ${CAPACITY}, store sync ${storeSync}; the server is \`gantry server\` from the bundle of the current sources, as its own process`);
    console.log(`node flags of the server (package.json start): ${startFlags().join(' ') || '(none)'}\n`);
    await serverParts(server, origin.bare, logsOrigin.bare);
  } finally {
    await server?.stop();
    origin.cleanup();
    logsOrigin.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
    removePrivateBundle();
  }

  if (!process.argv.includes('--skip-c')) {
    const c = await logAppend(arg('lines', 1_000_000), 2);
    const gantryRate = (c.lines / Math.min(...c.gantryMs)) * 1000;
    const bareRate = (c.lines / Math.min(...c.bareMs)) * 1000;
    const all = (v: number[]) => v.map((x) => x.toFixed(0)).join(', ');
    console.log(`(c) ${c.lines} log lines of one step, 1000-line batches, SQLite WAL + synchronous FULL, in process; best of ${c.bareMs.length}, interleaved`);
    console.log(`    gantry appendLogs → LogStore  ${Math.round(gantryRate).toLocaleString('en').padStart(10)} lines/s  (runs: ${all(c.gantryMs)} ms)`);
    console.log(`    bare better-sqlite3 loop      ${Math.round(bareRate).toLocaleString('en').padStart(10)} lines/s  (runs: ${all(c.bareMs)} ms)`);
    console.log(`    gantry ÷ bare                 ${(gantryRate / bareRate).toFixed(2)}×  ${mark(gantryRate / bareRate >= 0.5)} (target ≥ 0.5)`);
  }
}

await main();
