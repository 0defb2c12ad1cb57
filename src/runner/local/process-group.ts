import { GantryError } from '../../core/index.js';
import type { ExecRequest, ExecResult } from '../backend.js';
import { MAX_TIMER_MS } from '../timers.js';
import type { SpawnerPool } from './spawner/spawner.js';

/** How long to wait for stdout/stderr to close after the process group is gone (see below). */
const CLOSE_WAIT_MS = 1000;
const DEFAULT_KILL_GRACE_MS = 5000;

/**
 * Runs one process in its own process group and settles only after it has exited.
 *
 * State machine, in prose:
 * - running: the step's process (the group leader) runs. Output chunks are forwarded as they come.
 * - terminating (timeout or abort): SIGTERM goes to the whole group; after `killGraceMs`, SIGKILL
 *   goes to the group. The grace ends early when the leader exits: the rest of the group got the
 *   same SIGTERM at the same moment, so it has had as long as the leader took; it is SIGKILLed then.
 * - exited: the leader has exited. Whatever is left in its group (a `sleep 1000 &` started by the
 *   script) is SIGKILLed, so nothing a step started outlives the step. A process that left the
 *   group on purpose (setsid, double fork into a new session) is out of reach without cgroups; if
 *   it still holds our stdout/stderr pipes we stop waiting for them after CLOSE_WAIT_MS.
 * - closed: both pipes are closed (or abandoned): the promise resolves.
 *
 * The process is started by a lean spawner process (see SpawnerPool); signals go straight from here
 * to the group. `live` tracks the groups still running, for a forced stop (killAllGroups).
 * Rejects with RUNNER_SPAWN_FAILED only when the process could not be started at all (or its
 * spawner died under it).
 */
export function execInProcessGroup(
  pool: SpawnerPool,
  live: Set<number>,
  request: ExecRequest,
  onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void,
): Promise<ExecResult> {
  const started = performance.now();
  if (request.signal.aborted) {
    return Promise.resolve({ exitCode: null, signal: null, timedOut: false, canceled: true, durationMs: 0 });
  }
  const [program, ...args] = request.argv;
  if (program === undefined) {
    return Promise.reject(new GantryError('RUNNER_SPAWN_FAILED', 'cannot start a step: empty command line'));
  }
  return new Promise<ExecResult>((resolve, reject) => {
    const grace = request.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    let pid: number | undefined;
    let timedOut = false;
    let canceled = false;
    let terminating = false;
    let exited = false;
    let settled = false;
    let timeoutTimer: NodeJS.Timeout | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    let closeTimer: NodeJS.Timeout | undefined;

    const killGroup = (sig: NodeJS.Signals): void => {
      if (pid === undefined) return;
      try {
        process.kill(-pid, sig);
      } catch {
        // ESRCH: the group is already empty.
      }
    };
    // TERM now, KILL after the grace period. Before the spawner has reported the pid there is no
    // group to signal yet: `started` sends the signals then (a timeout or cancel may come first).
    const sendSignals = (): void => {
      killGroup('SIGTERM');
      graceTimer = setTimeout(() => killGroup('SIGKILL'), grace);
    };
    const terminate = (): void => {
      if (terminating || exited) return;
      terminating = true;
      if (pid !== undefined) sendSignals();
    };
    const onAbort = (): void => {
      canceled = true;
      terminate();
    };
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timeoutTimer);
      clearTimeout(graceTimer);
      clearTimeout(closeTimer);
      request.signal.removeEventListener('abort', onAbort);
      if (pid !== undefined) live.delete(pid);
      return true;
    };

    const spawned = pool.spawn(
      { program, args, cwd: request.cwd, env: request.env },
      {
        started(startedPid) {
          pid = startedPid;
          live.add(startedPid);
          // A timeout or cancel that came while the spawner was starting the process applies now.
          if (terminating) sendSignals();
        },
        failed(error) {
          // The spawner died: whatever it had started is ours to stop.
          killGroup('SIGKILL');
          if (!settle()) return;
          reject(new GantryError('RUNNER_SPAWN_FAILED', `cannot start \`${program}\`: ${error.message}`, { cause: error, details: { program, cwd: request.cwd } }));
        },
        output: onOutput,
        exited() {
          exited = true;
          killGroup('SIGKILL');
          closeTimer = setTimeout(() => spawned.dropPipes(), CLOSE_WAIT_MS);
        },
        closed(code, sig) {
          if (!settle()) return;
          resolve({ exitCode: code, signal: sig, timedOut, canceled, durationMs: performance.now() - started });
        },
      },
    );
    // setTimeout cannot wait longer than ~24.8 days (it fires at once instead); such limits are no limit.
    if (request.timeoutMs !== undefined && request.timeoutMs <= MAX_TIMER_MS) {
      timeoutTimer = setTimeout(() => {
        timedOut = true;
        terminate();
      }, request.timeoutMs);
    }
    request.signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Kills (SIGKILL) every process group started through `execInProcessGroup` that still runs. */
export function killAllGroups(live: ReadonlySet<number>): void {
  for (const pid of live) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
