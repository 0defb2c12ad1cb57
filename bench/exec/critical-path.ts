/**
 * Benchmark (c): how close the engine's schedule comes to the best possible.
 *
 * Random DAGs (seeded, reproducible) of jobs that just sleep for a known time run through
 * `runPlan` with `parallel` slots, once ordering ready jobs critical-path-first and once in plain
 * file order. Each makespan is divided by a lower bound no schedule can beat:
 * max(critical path, total work / parallel). Target: ≤ 1.05 for critical-path-first.
 *
 * Two measurements per DAG and order: `real` uses real timers (so it includes timer slack and the
 * engine's own overhead), `sim` the same schedule on virtual time (pure scheduling quality).
 *
 *   npx tsx bench/exec/critical-path.ts [--dags 10] [--jobs 60] [--parallel 2] [--seed 42]
 */
import { pathToFileURL } from 'node:url';
import { runPlan, type JobExecutor, type JobOrder } from '../../src/engine/index.js';
import type { Plan, PlanJob } from '../../src/pipeline/index.js';
import { makePlan, planJob, runFake } from '../../src/engine/test-support.js';

export interface CriticalPathOptions {
  dags?: number;
  jobs?: number;
  parallel?: number;
  seed?: number;
  minMs?: number;
  maxMs?: number;
}

export interface DagFigures {
  dag: number;
  lowerBoundMs: number;
  criticalPathMs: number;
  totalWorkMs: number;
  /** makespan / lower bound, per order and clock. */
  ratio: Record<JobOrder, { real: number; sim: number }>;
}

export interface CriticalPathFigures {
  options: Required<CriticalPathOptions>;
  dags: DagFigures[];
  /** Mean and worst ratio over the DAGs. */
  summary: Record<JobOrder, { realMean: number; realMax: number; simMean: number; simMax: number }>;
  target: number;
  pass: boolean;
}

const ORDERS: JobOrder[] = ['critical-path', 'file'];
export const CRITICAL_PATH_TARGET = 1.05;

export async function benchCriticalPath(options: CriticalPathOptions = {}): Promise<CriticalPathFigures> {
  const opts: Required<CriticalPathOptions> = { dags: 10, jobs: 60, parallel: 2, seed: 42, minMs: 5, maxMs: 80, ...options };
  const random = mulberry32(opts.seed);
  const dags: DagFigures[] = [];
  for (let d = 0; d < opts.dags; d++) {
    const { plan, durations } = randomDag(random, opts);
    const estimates = new Map(durations);
    const { criticalPathMs, totalWorkMs } = bounds(plan.jobs, durations);
    const lowerBoundMs = Math.max(criticalPathMs, totalWorkMs / opts.parallel);
    const ratio = {} as DagFigures['ratio'];
    for (const order of ORDERS) {
      const real = await runPlan(plan, { executor: sleepingExecutor(durations), parallel: opts.parallel, onEvent: () => undefined, estimates, order });
      const behaviors = Object.fromEntries([...durations].map(([id, ms]) => [id, { durationMs: ms }]));
      const sim = await runFake(plan, behaviors, { parallel: opts.parallel, estimates, order });
      ratio[order] = { real: real.durationMs / lowerBoundMs, sim: sim.result.durationMs / lowerBoundMs };
    }
    dags.push({ dag: d + 1, lowerBoundMs, criticalPathMs, totalWorkMs, ratio });
  }
  const summary = {} as CriticalPathFigures['summary'];
  for (const order of ORDERS) {
    const real = dags.map((dag) => dag.ratio[order].real);
    const sim = dags.map((dag) => dag.ratio[order].sim);
    summary[order] = { realMean: mean(real), realMax: Math.max(...real), simMean: mean(sim), simMax: Math.max(...sim) };
  }
  return { options: opts, dags, summary, target: CRITICAL_PATH_TARGET, pass: summary['critical-path'].realMean <= CRITICAL_PATH_TARGET };
}

export function formatCriticalPathTable(figures: CriticalPathFigures): string {
  const { options: o } = figures;
  const f = (n: number) => n.toFixed(3);
  const lines = [
    `critical path: ${o.dags} random DAGs × ${o.jobs} jobs, ${o.minMs}–${o.maxMs} ms each, parallel ${o.parallel}, seed ${o.seed}`,
    'makespan / lower bound (lower bound = max(critical path, total work / parallel))',
    '',
    ' dag  lower bound  crit-path real  crit-path sim  file real  file sim',
  ];
  for (const dag of figures.dags) {
    const cp = dag.ratio['critical-path'];
    const file = dag.ratio.file;
    lines.push(`${String(dag.dag).padStart(4)}  ${`${Math.round(dag.lowerBoundMs)} ms`.padStart(11)}  ${f(cp.real).padStart(14)}  ${f(cp.sim).padStart(13)}  ${f(file.real).padStart(9)}  ${f(file.sim).padStart(8)}`);
  }
  const cp = figures.summary['critical-path'];
  const file = figures.summary.file;
  lines.push(`mean  ${''.padStart(11)}  ${f(cp.realMean).padStart(14)}  ${f(cp.simMean).padStart(13)}  ${f(file.realMean).padStart(9)}  ${f(file.simMean).padStart(8)}`);
  lines.push(` max  ${''.padStart(11)}  ${f(cp.realMax).padStart(14)}  ${f(cp.simMax).padStart(13)}  ${f(file.realMax).padStart(9)}  ${f(file.simMax).padStart(8)}`);
  lines.push('', `critical-path-first mean ${f(cp.realMean)} (target ≤ ${figures.target}): ${figures.pass ? 'PASS' : 'FAIL'}`);
  return lines.join('\n');
}

/** Job i needs 0–3 random earlier jobs; file order is generation order. */
function randomDag(random: () => number, o: Required<CriticalPathOptions>): { plan: Plan; durations: Map<string, number> } {
  const jobs: PlanJob[] = [];
  const durations = new Map<string, number>();
  for (let i = 0; i < o.jobs; i++) {
    const id = `job-${String(i).padStart(3, '0')}`;
    const needs = new Set<string>();
    const count = i === 0 ? 0 : Math.floor(random() * 4);
    for (let k = 0; k < count; k++) needs.add(jobs[Math.floor(random() * i)]!.id);
    jobs.push(planJob(id, { needs: [...needs] }));
    durations.set(id, o.minMs + Math.floor(random() * (o.maxMs - o.minMs + 1)));
  }
  return { plan: makePlan(jobs, { failFast: false }), durations };
}

function bounds(jobs: readonly PlanJob[], durations: ReadonlyMap<string, number>): { criticalPathMs: number; totalWorkMs: number } {
  const finish = new Map<string, number>();
  let criticalPathMs = 0;
  let totalWorkMs = 0;
  for (const job of jobs) {
    const own = durations.get(job.id)!;
    const end = own + Math.max(0, ...job.needs.map((need) => finish.get(need)!));
    finish.set(job.id, end);
    criticalPathMs = Math.max(criticalPathMs, end);
    totalWorkMs += own;
  }
  return { criticalPathMs, totalWorkMs };
}

/** Jobs that sleep for their duration on real timers, honouring the abort signal. */
function sleepingExecutor(durations: ReadonlyMap<string, number>): JobExecutor {
  return {
    runJob: (job, _input, signal) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => resolve({ status: 'success', outputs: {} }), durations.get(job.id) ?? 0);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve({ status: 'canceled', outputs: {} });
        });
      }),
  };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function flag(args: string[], name: string): number | undefined {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : Number(args[i + 1]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const picked: CriticalPathOptions = {};
  for (const name of ['dags', 'jobs', 'parallel', 'seed'] as const) {
    const value = flag(args, name);
    if (value !== undefined) picked[name] = value;
  }
  const figures = await benchCriticalPath(picked);
  console.log(formatCriticalPathTable(figures));
  process.exitCode = figures.pass ? 0 : 1;
}
