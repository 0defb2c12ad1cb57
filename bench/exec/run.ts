/**
 * `npm run bench:exec` — how much a `gantry exec` run costs over the tools it competes with, all
 * measured in this run on this machine:
 *
 *   (a) 200 jobs (20 layers × 10, each needing 2 of the layer before), one `true` step each,
 *       parallel 2: gantry vs `make -j2` and vs a minimal Node DAG executor.  Target ≤ 1.5× minimal.
 *   (b) the same DAG with `sleep 0.05` steps: gantry vs `make -j2`.              Target ≤ 1.1× make.
 *   (c) critical-path scheduling quality (bench/exec/critical-path.ts).          Target ≤ 1.05× bound.
 *
 * gantry is measured two ways: in-process (load + compile + engine + runner + LocalBackend, the
 * real code path of `gantry exec` minus node/tsx startup and rendering) and as the CLI subprocess
 * (`node bin/gantry.js exec --parallel 2`, plain-line output to /dev/null; includes node + tsx
 * startup); `gantry engine+runner` times runPlan alone on a plan compiled beforehand. Each figure is the median of --reps runs.
 *
 *   npx tsx bench/exec/run.ts [--reps 3] [--skip-c]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPlan } from '../../src/engine/index.js';
import { compilePipeline, loadPipeline } from '../../src/pipeline/index.js';
import { createJobRunner, LocalBackend } from '../../src/runner/index.js';
import { benchCriticalPath, formatCriticalPathTable } from './critical-path.js';
import { layeredDag, makefile, pipelineYaml, type LayeredDag } from './layered-dag.js';
import { runMinimalDag } from './minimal-executor.mjs';

const GANTRY_BIN = fileURLToPath(new URL('../../bin/gantry.js', import.meta.url));
const MINIMAL_BIN = fileURLToPath(new URL('./minimal-executor.mjs', import.meta.url));
const PARALLEL = 2;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function timeProcess(argv: string[], cwd: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`${argv.join(' ')} exited ${code}: ${stderr}`))));
  });
}

/** `part: 'run'` times only runPlan (engine + runner + backend), the plan compiled beforehand. */
async function gantryInProcess(dir: string, yaml: string, part: 'all' | 'run'): Promise<number> {
  let started = performance.now();
  const { loaded, diagnostics } = loadPipeline(yaml, '.gantry.yml');
  if (!loaded) throw new Error(`pipeline invalid: ${JSON.stringify(diagnostics)}`);
  const { plan } = compilePipeline(loaded, { name: 'push', branch: 'main', sha: '' });
  if (!plan) throw new Error('compile failed');
  if (part === 'run') started = performance.now();
  const backend = new LocalBackend();
  const executor = createJobRunner({ plan, backend, secrets: {}, sourceDir: dir, hostEnv: { PATH: process.env.PATH ?? '' }, killGraceMs: 2000 });
  const result = await runPlan(plan, { executor, parallel: PARALLEL, onEvent: () => undefined });
  await backend.close();
  if (result.status !== 'success') throw new Error(`run ${result.status}: ${result.reason ?? ''}`);
  return performance.now() - started;
}

interface Row {
  name: string;
  ms: number;
}

async function measure(dag: LayeredDag, command: string, reps: number, withMinimal: boolean): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-'));
  const yaml = pipelineYaml(dag, command);
  writeFileSync(join(dir, '.gantry.yml'), yaml);
  writeFileSync(join(dir, 'Makefile'), makefile(dag, command));
  writeFileSync(join(dir, 'dag.json'), JSON.stringify({ ids: dag.ids, needs: Object.fromEntries(dag.needs) }));
  const runs: Record<string, () => Promise<number>> = {
    [`make -j${PARALLEL}`]: () => timeProcess(['make', '-s', `-j${PARALLEL}`], dir),
    ...(withMinimal
      ? {
          'minimal node executor': () => runMinimalDag(dag, command, PARALLEL, dir),
          'minimal, bash + pipes': () => runMinimalDag(dag, command, PARALLEL, dir, 'gantry-shell'),
          'minimal, subprocess': () => timeProcess([process.execPath, MINIMAL_BIN, 'dag.json', command, String(PARALLEL)], dir),
        }
      : {}),
    'gantry in-process': () => gantryInProcess(dir, yaml, 'all'),
    'gantry engine+runner': () => gantryInProcess(dir, yaml, 'run'),
    'gantry CLI subprocess': () => timeProcess([process.execPath, GANTRY_BIN, 'exec', '--parallel', String(PARALLEL)], dir),
  };
  const samples = new Map<string, number[]>(Object.keys(runs).map((k) => [k, []]));
  // Interleave the contenders so machine noise hits them alike.
  for (let rep = 0; rep < reps; rep++) for (const [name, run] of Object.entries(runs)) samples.get(name)!.push(await run());
  return [...samples].map(([name, ms]) => ({ name, ms: median(ms) }));
}

function table(title: string, rows: Row[], baseline: string, target: number, targetOf: string[]): string {
  const base = rows.find((r) => r.name === baseline)!.ms;
  const lines = [title, `${'contender'.padEnd(24)} ${'median'.padStart(9)}  ×${baseline}`];
  for (const r of rows) {
    const ratio = r.ms / base;
    const mark = targetOf.includes(r.name) ? `  ${ratio <= target ? 'PASS' : 'MISS'} (target ≤ ${target})` : '';
    lines.push(`${r.name.padEnd(24)} ${`${r.ms.toFixed(0)} ms`.padStart(9)}  ${ratio.toFixed(2).padStart(5)}${mark}`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const reps = arg('reps', 3);
  const dag = layeredDag(20, 10);
  console.log(`gantry exec benchmark — ${dag.ids.length} jobs (20 layers × 10, 2 needs each), parallel ${PARALLEL}, median of ${reps}`);
  console.log('gantry in-process = load + compile + engine + runner + LocalBackend, no rendering, no node/tsx startup;');
  console.log('gantry CLI subprocess = `node bin/gantry.js exec --parallel 2` with plain-line output to /dev/null.\n');

  const a = await measure(dag, 'true', reps, true);
  console.log(table('(a) one `true` step per job', a, 'minimal node executor', 1.5, ['gantry in-process', 'gantry engine+runner']));
  // Fair for the CLI: the same minimal executor started as its own node process.
  const minimalProcess = a.find((r) => r.name === 'minimal, subprocess')!.ms;
  const cli = a.find((r) => r.name === 'gantry CLI subprocess')!.ms;
  const cliRatio = cli / minimalProcess;
  console.log(`    gantry CLI subprocess vs minimal, subprocess: ${cliRatio.toFixed(2)}×  ${cliRatio <= 1.5 ? 'PASS' : 'MISS'} (target ≤ 1.5)`);
  const makeA = a.find((r) => r.name.startsWith('make'))!.ms;
  for (const r of a.filter((x) => x.name.startsWith('gantry '))) console.log(`    ${r.name} vs make -j2: ${(r.ms / makeA).toFixed(2)}×`);
  const bashA = a.find((r) => r.name === 'minimal, bash + pipes')!.ms;
  for (const r of a.filter((x) => x.name.startsWith('gantry '))) console.log(`    ${r.name} vs minimal with bash + pipes: ${(r.ms / bashA).toFixed(2)}×`);
  console.log();

  const b = await measure(dag, 'sleep 0.05', reps, false);
  console.log(table('(b) one `sleep 0.05` step per job', b, `make -j${PARALLEL}`, 1.1, ['gantry in-process', 'gantry engine+runner', 'gantry CLI subprocess']));
  console.log();

  if (!process.argv.includes('--skip-c')) {
    console.log('(c) ' + formatCriticalPathTable(await benchCriticalPath()));
  }
}

await main();
