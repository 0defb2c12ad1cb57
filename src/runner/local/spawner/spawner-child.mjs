// The lean spawner process (plain JavaScript on purpose: it must not load tsx or any of Gantry's
// code). Forking costs grow with the memory of the process that forks (see LIBRARIES.md), so step
// processes are started from here rather than from the big CLI/agent process.
//
// Protocol over the IPC channel (serialization 'advanced', so output chunks travel as bytes):
//   in:  { type: 'spawn', id, program, args, cwd, env }   start one process in its own group
//        { type: 'drop-pipes', id }                        stop waiting for a process's pipes
//   out: { type: 'started', id, pid } | { type: 'failed', id, code, message }
//        { type: 'out', id, stream: 'stdout' | 'stderr', data }
//        { type: 'exit', id } (the leader exited)   { type: 'close', id, code, signal } (pipes closed)
// When the parent goes away (exit, crash, kill -9), the channel disconnects and every process
// group this spawner started is SIGKILLed, so no step outlives Gantry.
import { spawn } from 'node:child_process';

/** id → child process, while its pipes are open. */
const live = new Map();

// Backpressure: output is forwarded over IPC, which queues without limit when the parent reads
// slower than a step prints. Past HIGH_WATER bytes in flight, the steps' pipes are paused (the
// steps then block on write, like any program writing to a full pipe) until the queue drains.
const HIGH_WATER = 1 << 20;
let inFlight = 0;
let paused = false;

function send(message, bytes = 0) {
  if (!process.connected) return;
  inFlight += bytes;
  process.send(message, undefined, undefined, () => {
    inFlight -= bytes;
    if (paused && inFlight < HIGH_WATER / 2) setPaused(false);
  });
  if (!paused && inFlight > HIGH_WATER) setPaused(true);
}

function setPaused(value) {
  paused = value;
  for (const child of live.values()) {
    for (const stream of [child.stdout, child.stderr]) {
      if (value) stream.pause();
      else stream.resume();
    }
  }
}

function start({ id, program, args, cwd, env }) {
  let child;
  try {
    child = spawn(program, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    send({ type: 'failed', id, code: err.code ?? 'ERR', message: err.message });
    return;
  }
  child.once('error', (err) => {
    if (child.pid === undefined) send({ type: 'failed', id, code: err.code ?? 'ERR', message: err.message });
  });
  if (child.pid === undefined) return;
  live.set(id, child);
  send({ type: 'started', id, pid: child.pid });
  child.stdout.on('data', (data) => send({ type: 'out', id, stream: 'stdout', data }, data.length));
  child.stderr.on('data', (data) => send({ type: 'out', id, stream: 'stderr', data }, data.length));
  if (paused) {
    child.stdout.pause();
    child.stderr.pause();
  }
  child.once('exit', () => send({ type: 'exit', id }));
  child.once('close', (code, signal) => {
    live.delete(id);
    send({ type: 'close', id, code, signal });
  });
}

process.on('message', (message) => {
  if (message.type === 'spawn') start(message);
  else if (message.type === 'drop-pipes') {
    const child = live.get(message.id);
    child?.stdout.destroy();
    child?.stderr.destroy();
  }
});

// Ctrl-C reaches the whole foreground process group, this process included; the parent decides
// what a Ctrl-C means (cancel, run cleanup steps), so the spawner ignores it and lives on.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});

process.on('disconnect', () => {
  for (const child of live.values()) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is already gone
    }
  }
  process.exit(0);
});
