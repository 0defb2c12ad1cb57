import { spawn } from 'node:child_process';
import type { LayeredDag } from './layered-dag.js';

/**
 * The baseline a DAG runner cannot beat by much: spawn `sh -c <command>` for each job as soon as
 * its needs are done, at most `parallel` at once, and wait for exit. Nothing else — no output
 * capture, no events, no workspace. Resolves the wall time in ms. With `like: 'gantry-shell'` each job
 * runs the way gantry's default shell does (bash --noprofile --norc -eo pipefail, stdout/stderr
 * piped and drained, own process group): that isolates the cost of the shell choice from the rest.
 */
export function runMinimalDag(dag: LayeredDag, command: string, parallel: number, cwd: string, like: 'sh' | 'gantry-shell' = 'sh'): Promise<number> {
  const started = performance.now();
  const remaining = new Map(dag.ids.map((id) => [id, dag.needs.get(id)!.length]));
  const dependents = new Map<string, string[]>();
  for (const id of dag.ids) for (const need of dag.needs.get(id)!) dependents.set(need, [...(dependents.get(need) ?? []), id]);
  const ready = dag.ids.filter((id) => remaining.get(id) === 0);
  let running = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    const pump = () => {
      while (running < parallel && ready.length > 0) {
        const id = ready.shift()!;
        running++;
        // 'gantry-shell' does what gantry's step must do at least: bash script file, piped output.
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
            const left = remaining.get(dep)! - 1;
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
