import { spawn } from 'node:child_process';
import { runMinimalDag } from '../exec/minimal-executor.mjs';
import { apiClient, commandOf, descendants, rssKib, type ServerProcess } from './server-process.js';
import { median, percentile, sleep } from './stats.js';

const FINAL = new Set(['success', 'failure', 'canceled', 'error', 'skipped']);
type Api = ReturnType<typeof apiClient>;

export const ONE_TRUE_JOB = 'version: 1\non: { api: {} }\njobs:\n  only: { checkout: false, steps: [{ run: "true" }] }\n';

async function trigger(api: Api, project: string): Promise<number> {
  const r = await api.call('POST', `/api/v1/projects/${project}/runs`, {});
  if (r.status !== 201) throw new Error(`trigger: HTTP ${r.status} ${JSON.stringify(r.json)}`);
  return (r.json as { number: number }).number;
}

interface Detail {
  status: string;
  createdAt: string;
  finishedAt: string | null;
  jobs: { queuedAt: string | null; startedAt: string | null; finishedAt: string | null; steps: { startedAt: string | null; finishedAt: string | null }[] }[];
}

/** Polls the run every `everyMs` until it is final; returns it. */
async function untilFinal(api: Api, project: string, number: number, everyMs: number, timeoutMs = 10_000): Promise<Detail> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const r = await api.call('GET', `/api/v1/projects/${project}/runs/${number}`);
    const detail = r.json as Detail;
    const status = detail.status;
    if (FINAL.has(status)) return detail;
    if (performance.now() > deadline) throw new Error(`run #${number} still ${status} after ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

export interface LatencyResult {
  samples: number[];
  median: number;
  p99: number;
  httpGet: number;
  httpPost: number;
  spawnTrue: number;
  /** Median ms of each phase, from the server's timestamps (ms resolution) and the client's clock. */
  phases: [string, number][];
}

const PHASES = [
  'POST → 201 (sync mirror, pin, read pipeline, create run)',
  '  of which: POST sent → run row created',
  'run created → job queued (run service picks it up)',
  'job queued → job started (lease to the agent)',
  'job started → step started (workspace, spawner)',
  'step `true` runs',
  'step finished → job finished',
  'job finished → run final',
  'run final → seen by the 2 ms poll',
] as const;

function phasesOf(sentAt: number, answeredAt: number, seenAt: number, d: Detail): number[] {
  const t = (iso: string | null | undefined): number => (iso ? Date.parse(iso) : Number.NaN);
  const job = d.jobs[0]!;
  const step = job.steps[0]!;
  const created = t(d.createdAt);
  return [
    answeredAt - sentAt, created - sentAt, t(job.queuedAt) - created, t(job.startedAt) - t(job.queuedAt), t(step.startedAt) - t(job.startedAt),
    t(step.finishedAt) - t(step.startedAt), t(job.finishedAt) - t(step.finishedAt), t(d.finishedAt) - t(job.finishedAt), seenAt - t(d.finishedAt),
  ];
}

function spawnTrue(): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', 'true'], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', () => resolve(performance.now() - started));
  });
}

/** (a) POST trigger → run final, sequentially, plus the same-run baselines. */
export async function latency(server: ServerProcess, project: string, n: number, warmup: number): Promise<LatencyResult> {
  const api = apiClient(server.url);
  for (let i = 0; i < warmup; i++) await untilFinal(api, project, await trigger(api, project), 2);
  const samples: number[] = [];
  const phases: number[][] = PHASES.map(() => []);
  for (let i = 0; i < n; i++) {
    const sentAt = Date.now();
    const started = performance.now();
    const number = await trigger(api, project);
    const answeredAt = Date.now();
    const detail = await untilFinal(api, project, number, 2);
    samples.push(performance.now() - started);
    if (detail.status !== 'success') throw new Error(`run ended ${detail.status}`);
    phasesOf(sentAt, answeredAt, Date.now(), detail).forEach((v, k) => phases[k]!.push(v));
  }
  const timed = async (fn: () => Promise<unknown>): Promise<number> => {
    const t = performance.now();
    await fn();
    return performance.now() - t;
  };
  const gets: number[] = [];
  const posts: number[] = [];
  const spawns: number[] = [];
  for (let i = 0; i < 50; i++) {
    gets.push(await timed(() => api.call('GET', '/healthz')));
    // Through auth, routing and body validation, then 404: a POST that creates nothing.
    posts.push(await timed(() => api.call('POST', '/api/v1/projects/no-such-project/runs', {})));
    spawns.push(await spawnTrue());
  }
  return { samples, median: median(samples), p99: percentile(samples, 99), httpGet: median(gets), httpPost: median(posts), spawnTrue: median(spawns), phases: PHASES.map((name, k) => [name, median(phases[k]!)]) };
}

export interface DrainResult {
  runs: number;
  ms: number;
  enqueueMs: number;
  jobsPerSec: number;
  /** Runs still not final when the last trigger was answered, and the rate they drained at from there. */
  leftAtEnqueue: number;
  tailJobsPerSec: number;
  minimalMs: number;
  minimalJobsPerSec: number;
}

/** (b) `runs` triggers as fast as the API takes them (8 in flight), then until all are final. */
export async function drain(server: ServerProcess, project: string, runs: number, capacity: number): Promise<DrainResult> {
  const api = apiClient(server.url);
  const started = performance.now();
  let sent = 0;
  const sender = async () => {
    while (sent < runs) {
      sent++;
      await trigger(api, project);
    }
  };
  await Promise.all(Array.from({ length: 8 }, sender));
  const enqueueMs = performance.now() - started;
  const open = await api.call('GET', `/api/v1/projects/${project}/runs?status=queued,waiting,running&limit=500`);
  const leftAtEnqueue = (open.json as { runs: unknown[] }).runs.length;
  const deadline = started + 300_000; // generous: on a loaded machine the old code needed more than 60 s
  for (;;) {
    const r = await api.call('GET', `/api/v1/projects/${project}/runs?status=queued,waiting,running&limit=1`);
    if ((r.json as { runs: unknown[] }).runs.length === 0) break;
    if (performance.now() > deadline) throw new Error('runs did not drain in 300 s');
    await sleep(5);
  }
  const ms = performance.now() - started;
  const failed = await api.call('GET', `/api/v1/projects/${project}/runs?status=failure,error,canceled&limit=1`);
  if ((failed.json as { runs: unknown[] }).runs.length > 0) throw new Error(`a drained run did not succeed: ${JSON.stringify(failed.json)}`);
  const ids = Array.from({ length: runs }, (_, i) => `j${i}`);
  const minimalMs = await runMinimalDag({ ids, needs: new Map(ids.map((id) => [id, []])) }, 'true', capacity, process.cwd());
  const tailJobsPerSec = (leftAtEnqueue / (ms - enqueueMs)) * 1000;
  return { runs, ms, enqueueMs, leftAtEnqueue, tailJobsPerSec, jobsPerSec: (runs / ms) * 1000, minimalMs, minimalJobsPerSec: (runs / minimalMs) * 1000 };
}

export interface MemoryResult {
  serverKib: number;
  children: { pid: number; command: string; kib: number }[];
  totalKib: number;
}

/** (d) VmRSS of the server and of every process under it. */
export function memory(server: ServerProcess): MemoryResult {
  const serverKib = rssKib(server.pid);
  const children = descendants(server.pid).map((pid) => ({ pid, command: commandOf(pid), kib: rssKib(pid) }));
  return { serverKib, children, totalKib: serverKib + children.reduce((s, c) => s + c.kib, 0) };
}

/** 1M lines from one step: `seq` piped through sed, ~70-byte lines like part (c)'s. */
export const MANY_LINES_JOB = (lines: number): string =>
  `version: 1\non: { api: {} }\njobs:\n  only: { checkout: false, steps: [{ run: "seq 1 ${lines} | sed 's|.*|[build] compiling module: src/generated/file-&.ts ok|'" }] }\n`;

export interface EndToEndLogs {
  ms: number;
  stored: number;
}

/** (c, end to end) trigger → final of a run whose one step prints `lines` lines; checks they are all stored. */
export async function logsEndToEnd(server: ServerProcess, project: string, lines: number): Promise<EndToEndLogs> {
  const api = apiClient(server.url);
  const started = performance.now();
  const number = await trigger(api, project);
  const detail = await untilFinal(api, project, number, 20, 120_000);
  const ms = performance.now() - started;
  if (detail.status !== 'success') throw new Error(`the log run ended ${detail.status}`);
  const tail = await api.call('GET', `/api/v1/projects/${project}/runs/${number}/jobs/only/logs?after=${lines - 5}&limit=100`);
  const stdout = (tail.json as { lines: { seq: number; stream: string; line: string }[] }).lines.filter((l) => l.stream === 'stdout');
  const last = stdout.at(-1)?.line ?? '';
  return { ms, stored: Number(/file-(\d+)\.ts/.exec(last)?.[1] ?? 0) };
}
