// The baseline a DAG runner cannot beat by much: spawn `sh -c <command>` for each job as soon as
// its needs are done, at most `parallel` at once, and wait for exit. Nothing else: no output
// capture, no events, no workspace. Plain JavaScript so it also runs as its own small process
// (`node minimal-executor.mjs DAG.json COMMAND PARALLEL`), the fair baseline for `gantry exec`.
// With like = 'gantry-shell' each job runs the way gantry's default shell does (bash --noprofile
// --norc -eo pipefail, stdout/stderr piped and drained, own process group), which isolates the
// cost of the shell choice from the rest.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** dag: { ids: string[], needs: Map<string, string[]> | Record<string, string[]> }. Resolves ms. */
export function runMinimalDag(dag, command, parallel, cwd, like = 'sh') {
  const started = performance.now();
  const needsOf = (id) => (dag.needs instanceof Map ? dag.needs.get(id) : dag.needs[id]);
  const remaining = new Map(dag.ids.map((id) => [id, needsOf(id).length]));
  const dependents = new Map();
  for (const id of dag.ids) for (const need of needsOf(id)) dependents.set(need, [...(dependents.get(need) ?? []), id]);
  const ready = dag.ids.filter((id) => remaining.get(id) === 0);
  let running = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    const pump = () => {
      while (running < parallel && ready.length > 0) {
        const id = ready.shift();
        running++;
        const child =
          like === 'sh'
            ? spawn('sh', ['-c', command], { cwd, stdio: 'ignore' })
            : spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', command], { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
        child.stdout?.resume();
        child.stderr?.resume();
        child.on('error', reject);
        child.on('exit', (code) => {
          if (code !== 0) return reject(new Error(`${id} exited ${code}`));
          running--;
          done++;
          for (const dep of dependents.get(id) ?? []) {
            const left = remaining.get(dep) - 1;
            remaining.set(dep, left);
            if (left === 0) ready.push(dep);
          }
          if (done === dag.ids.length) resolve(performance.now() - started);
          else pump();
        });
      }
    };
    pump();
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dagFile, command, parallel] = process.argv.slice(2);
  await runMinimalDag(JSON.parse(readFileSync(dagFile, 'utf8')), command, Number(parallel), process.cwd());
}
