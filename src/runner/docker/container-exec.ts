import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { GantryError } from '../../core/index.js';
import type { ExecRequest, ExecResult } from '../backend.js';
import { createDemuxer } from './demux.js';
import { engineMessage } from './engine-errors.js';

const DEFAULT_KILL_GRACE_MS = 5000;
/** After SIGKILL, how long the output stream may take to close before it is cut. */
const STREAM_CLOSE_MS = 5000;

/**
 * Runs one step as an exec in the job container: argv as the command, the environment in the
 * request body (never argv), no TTY, so stdout and stderr arrive multiplexed and are delivered
 * apart. On timeout or cancel every process in the container but its idle PID 1 gets SIGTERM, then
 * SIGKILL after the grace: steps of a job never overlap, so everything else is this step's (also
 * what it started in the background). The container itself stays for the job's later
 * always()/cancelled() steps.
 */
export async function execInContainer(
  container: Docker.Container,
  user: string | undefined,
  request: ExecRequest,
  onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void,
): Promise<ExecResult> {
  const started = performance.now();
  const result = (exitCode: number | null, flags: { timedOut?: boolean; canceled?: boolean } = {}): ExecResult => ({
    exitCode,
    signal: null,
    timedOut: flags.timedOut ?? false,
    canceled: flags.canceled ?? false,
    durationMs: performance.now() - started,
  });
  if (request.signal.aborted) return result(null, { canceled: true });
  let exec: Docker.Exec;
  let stream: Duplex;
  try {
    exec = await container.exec({
      Cmd: request.argv,
      Env: Object.entries(request.env).map(([key, value]) => `${key}=${value}`),
      WorkingDir: request.cwd,
      ...(user !== undefined ? { User: user } : {}),
      AttachStdin: false,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
    stream = (await exec.start({ hijack: true, stdin: false })) as Duplex;
  } catch (err) {
    throw new GantryError('RUNNER_SPAWN_FAILED', `cannot start the step in the job container: ${engineMessage(err)}`, { cause: err });
  }
  const ended = new Promise<void>((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
  stream.on('data', createDemuxer(onOutput));
  let stopping: 'timeout' | 'cancel' | undefined;
  let stopped: Promise<void> | undefined;
  const stop = (why: 'timeout' | 'cancel') => {
    if (stopping !== undefined) return;
    stopping = why;
    stopped = stopProcesses(container, user, request.killGraceMs ?? DEFAULT_KILL_GRACE_MS, ended, stream);
  };
  const timer = request.timeoutMs !== undefined ? setTimeout(() => stop('timeout'), request.timeoutMs) : undefined;
  const onAbort = () => stop('cancel');
  request.signal.addEventListener('abort', onAbort, { once: true });
  try {
    await ended;
    await stopped;
  } finally {
    clearTimeout(timer);
    request.signal.removeEventListener('abort', onAbort);
  }
  const exitCode = await exitCodeOf(exec);
  return result(exitCode, { timedOut: stopping === 'timeout', canceled: stopping === 'cancel' });
}

async function stopProcesses(container: Docker.Container, user: string | undefined, graceMs: number, ended: Promise<void>, stream: Duplex): Promise<void> {
  await signalAll(container, user, 'TERM');
  if (await settlesWithin(ended, graceMs)) return;
  await signalAll(container, user, 'KILL');
  if (!(await settlesWithin(ended, STREAM_CLOSE_MS))) stream.destroy();
}

/**
 * `kill -SIG -1` from a shell in the container signals every process the user may signal except
 * PID 1 and the shell itself. An image without `sh` cannot run steps either; should the signal
 * exec fail anyway, the container is killed, so the step does not run on unbounded.
 */
async function signalAll(container: Docker.Container, user: string | undefined, signal: 'TERM' | 'KILL'): Promise<void> {
  try {
    const exec = await container.exec({
      Cmd: ['sh', '-c', `kill -${signal} -1 2>/dev/null; exit 0`],
      ...(user !== undefined ? { User: user } : {}),
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
    const stream = (await exec.start({ hijack: true, stdin: false })) as Duplex;
    stream.resume();
    await new Promise<void>((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', () => resolve());
    });
  } catch {
    await container.kill({ signal: `SIG${signal}` }).catch(() => undefined);
  }
}

function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** The exec's exit code; the engine may record it a moment after the output stream closed. */
async function exitCodeOf(exec: Docker.Exec): Promise<number | null> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const info = await exec.inspect().catch(() => undefined);
    if (info === undefined) return null;
    if (!info.Running) return info.ExitCode ?? null;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return null;
}
