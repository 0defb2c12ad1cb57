/**
 * `npm run bench:containers` — a one-step container job from queue to done, against a bare
 * `podman run --rm` of the same command, in the same process, on the same Podman (started here as
 * the tests start it: test/helpers/podman.ts, a busybox base image).
 *
 *   gantry:   a run queued in a real SQLite store → run service → embedded agent → docker backend
 *             (pull check, create + start the job container, exec the step, remove the container)
 *             → run finished in the store. Measured from queueing to the run's final status.
 *   baseline: `podman run --rm IMAGE sh -c 'echo hello'` through the podman CLI.
 *
 * Rounds alternate the two (after one warm-up each) and the medians are compared. Target: ≤ 1.3×.
 *
 *   npx tsx bench/containers/run.ts [--n 10]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createEmbeddedAgent } from '../../src/agent/index.js';
import { createRunService } from '../../src/engine/index.js';
import { compilePipeline, loadPipeline, type Plan } from '../../src/pipeline/index.js';
import { loadContainerRuntime } from '../../src/runner/index.js';
import { openTempSqliteStore } from '../../src/store/sqlite/index.js';
import { BASE_IMAGE, startPodman } from '../../test/helpers/podman.js';

const run = promisify(execFile);
const COMMAND = 'echo hello';
const ENDED = new Set(['success', 'failure', 'canceled', 'error', 'skipped']);

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function onePlan(): Plan {
  const text = `version: 1\njobs:\n  one:\n    image: "${BASE_IMAGE}"\n    checkout: false\n    steps:\n      - run: ${COMMAND}\n`;
  const loaded = loadPipeline(text, '.gantry.yml');
  if (!loaded.loaded) throw new Error(JSON.stringify(loaded.diagnostics));
  const compiled = compilePipeline(loaded.loaded, { name: 'push', branch: 'main', sha: 'c'.repeat(40) });
  if (!compiled.plan) throw new Error(JSON.stringify(compiled.diagnostics));
  return compiled.plan;
}

async function main(): Promise<void> {
  const n = arg('n', 10);
  const world = await startPodman();
  const temp = await openTempSqliteStore();
  const work = mkdtempSync(join(tmpdir(), 'gantry-bench-containers-'));
  const runtime = (await loadContainerRuntime({ dockerHost: world.dockerHost, privilegedImages: [], agentId: 'bench-containers', tempRoot: work }))!;
  const service = createRunService({ store: temp.store, leaseTtlMs: 30_000, pollIntervalMs: 50 });
  const agent = createEmbeddedAgent({
    port: service.agentPort,
    capacity: 1,
    workRoot: join(work, 'agent'),
    checkout: async () => {
      throw new Error('no checkout expected');
    },
    runtime: () => ({ containers: runtime.containers, imageBuilder: runtime.imageBuilder }),
  });
  try {
    await runtime.removeLeftovers();
    await service.start();
    agent.start();
    const project = await temp.store.projects.create({ name: 'bench', repoUrl: '/nonexistent', forge: 'generic' });
    const plan = onePlan();
    const gantry = async (): Promise<number> => {
      const started = performance.now();
      const created = await temp.store.runs.create({ projectId: project.id, event: plan.event, trigger: { kind: 'push' }, plan });
      for (;;) {
        const current = await temp.store.runs.get(created.id);
        if (current && ENDED.has(current.status)) {
          if (current.status !== 'success') throw new Error(`bench run ended ${current.status}`);
          return performance.now() - started;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    const bare = async (): Promise<number> => {
      const started = performance.now();
      const { stdout } = await run('podman', ['run', '--rm', BASE_IMAGE, 'sh', '-c', COMMAND], { env: world.env });
      if (stdout.trim() !== 'hello') throw new Error(`podman run printed ${JSON.stringify(stdout)}`);
      return performance.now() - started;
    };
    await gantry();
    await bare();
    const times = { gantry: [] as number[], bare: [] as number[] };
    for (let i = 0; i < n; i++) {
      times.gantry.push(await gantry());
      times.bare.push(await bare());
    }
    const g = median(times.gantry);
    const b = median(times.bare);
    console.log(`one-step container job, median of ${n} (alternating, after a warm-up)`);
    console.log(`  gantry queue → done (embedded agent, docker backend on Podman's API): ${g.toFixed(0)} ms`);
    console.log(`  podman run --rm (CLI, same image and command):                      ${b.toFixed(0)} ms`);
    console.log(`  ratio: ${(g / b).toFixed(2)}× (target ≤ 1.3×)`);
  } finally {
    service.stopTakingWork();
    await agent.stop({ drain: false });
    await service.close();
    await runtime.close();
    await temp.cleanup();
    await world.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
