import { connect } from 'node:net';
import type Docker from 'dockerode';
import { systemClock, type Clock } from '../../core/index.js';
import { createDemuxer } from './demux.js';
import { engineMessage } from './engine-errors.js';
import { lastLines } from './service-logs.js';

/** The readiness limit when a service has no `health` (which carries its own). */
export const DEFAULT_READY_TIMEOUT_MS = 60_000;
/** Between port probes: short, since jobs wait on this; a refused connection costs next to nothing. */
const PORT_PROBE_INTERVAL_MS = 100;
const CONNECT_TIMEOUT_MS = 1_000;
/** A health command's output kept (from the start) to explain a failure. */
const PROBE_OUTPUT_LIMIT = 64 * 1024;

export interface ReadinessInput {
  container: Docker.Container;
  network: string;
  ports: number[];
  health?: { cmd: string[]; intervalMs: number; timeoutMs: number };
  signal: AbortSignal;
  clock?: Clock;
}

export type Readiness = { ready: true } | { ready: false; reason: string; exitCode?: number };

/**
 * Waits until a started service is ready: its health command exits 0, else every port accepts a TCP
 * connection (from this host, to the container's address on the job network), else it runs. The
 * container is checked on every round so one that exits ends the wait at once. Resolves `ready:
 * false` with the reason when it exits or the limit passes; rejects with the signal's reason on abort.
 */
export async function waitUntilReady(input: ReadinessInput): Promise<Readiness> {
  const clock = input.clock ?? systemClock;
  const limitMs = input.health?.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const deadline = clock.monotonic() + limitMs;
  const pending = new Set(input.ports);
  let lastProbe = '';
  for (;;) {
    input.signal.throwIfAborted();
    const state = await input.container.inspect();
    if (!state.State.Running) return exited(state.State.ExitCode);
    const roundStart = clock.monotonic();
    const remaining = deadline - roundStart;
    if (input.health !== undefined) {
      const probe = await runProbe(input.container, input.health.cmd, remaining, input.signal).catch(async (err: unknown) => {
        input.signal.throwIfAborted();
        // The engine refuses to exec in a container that has just stopped: report the exit instead.
        const now = await input.container.inspect();
        if (!now.State.Running) return exited(now.State.ExitCode);
        return { exitCode: null, output: '', error: engineMessage(err) };
      });
      if ('ready' in probe) return probe;
      if (probe.exitCode === 0) return { ready: true };
      // A probe cut short by the limit says less than the last one that ended.
      if (probe.exitCode !== null || lastProbe === '') lastProbe = describeProbe(probe);
    } else if (pending.size > 0) {
      const address = state.NetworkSettings.Networks[input.network]?.IPAddress;
      if (address) {
        for (const port of [...pending]) if (await canConnect(address, port, Math.min(CONNECT_TIMEOUT_MS, Math.max(remaining, 1)), input.signal)) pending.delete(port);
      }
      if (pending.size === 0) return { ready: true };
    } else {
      return { ready: true };
    }
    // Rounds start every interval (as far as the probes allow), not an interval after each probe.
    const wait = Math.max(0, roundStart + (input.health?.intervalMs ?? PORT_PROBE_INTERVAL_MS) - clock.monotonic());
    if (clock.monotonic() + wait > deadline) return { ready: false, reason: notReadyReason(limitMs, pending, lastProbe) };
    await clock.sleep(wait, input.signal);
  }
}

function notReadyReason(limitMs: number, pending: Set<number>, lastProbe: string): string {
  const limit = `not ready after ${(limitMs / 1000).toFixed(1)}s`;
  if (lastProbe !== '') return `${limit}: its health command ${lastProbe}`;
  return `${limit}: nothing accepted connections on port ${[...pending].join(', ')}`;
}

function exited(exitCode: number): Readiness {
  return { ready: false, reason: `exited with code ${exitCode} before it was ready`, exitCode };
}

function describeProbe(probe: { exitCode: number | null; output: string; error?: string }): string {
  if (probe.error !== undefined) return `could not be run: ${probe.error}`;
  const outcome = probe.exitCode === null ? 'did not finish in time' : `exited with code ${probe.exitCode}`;
  return probe.output === '' ? outcome : `${outcome}: ${probe.output}`;
}

/** Whether a TCP connection to address:port opens within `timeoutMs`; never rejects. */
export function canConnect(address: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(ok);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(false), timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Runs the health command inside the container and reports its exit code (null when it did not end
 * within `limitMs`). Output is drained so the exec can finish; its tail explains a failure.
 */
async function runProbe(container: Docker.Container, cmd: string[], limitMs: number, signal: AbortSignal): Promise<{ exitCode: number | null; output: string }> {
  const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const parts: Buffer[] = [];
  let kept = 0;
  const demux = createDemuxer((_stream, chunk) => {
    if (kept >= PROBE_OUTPUT_LIMIT) return;
    parts.push(chunk);
    kept += chunk.length;
  });
  const finished = await new Promise<boolean>((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(false), Math.max(limitMs, 1));
    signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', demux);
    stream.once('end', () => done(true));
    stream.once('close', () => done(true));
    stream.once('error', () => done(true));
  });
  stream.destroy();
  signal.throwIfAborted();
  const text = probeText(Buffer.concat(parts).toString('utf8'));
  if (!finished) return { exitCode: null, output: text };
  return { exitCode: await exitCodeOf(exec), output: text };
}

/** The exit code can lag the end of the output stream by a moment on Podman. */
async function exitCodeOf(exec: Docker.Exec): Promise<number | null> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    await systemClock.sleep(25);
  }
  return null;
}

/** The last non-empty line: one line explains a failing check, and keeps the job log short. */
function probeText(output: string): string {
  return (lastLines(output.trimEnd(), 1)[0] ?? '').trim().slice(0, 200);
}
