import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { GantryError } from '../../../core/index.js';

/** What the caller learns about one process started by a spawner. */
export interface SpawnHandlers {
  started(pid: number): void;
  failed(error: GantryError): void;
  output(stream: 'stdout' | 'stderr', chunk: Buffer): void;
  /** The process (the group leader) exited; its pipes may still be open. */
  exited(): void;
  /** Both pipes closed: nothing more will come for this process. */
  closed(code: number | null, signal: NodeJS.Signals | null): void;
}

export interface SpawnRequest {
  program: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

export interface SpawnedProcess {
  /** Stop waiting for the pipes (a process that left the group still holds them). */
  dropPipes(): void;
}

type Message =
  | { type: 'started'; id: number; pid: number }
  | { type: 'failed'; id: number; code: string; message: string }
  | { type: 'out'; id: number; stream: 'stdout' | 'stderr'; data: Uint8Array }
  | { type: 'exit'; id: number }
  | { type: 'close'; id: number; code: number | null; signal: NodeJS.Signals | null };

const CHILD_SCRIPT = fileURLToPath(new URL('./spawner-child.mjs', import.meta.url));

export interface SpawnerPoolOptions {
  /** A spawner with nothing in flight for this long exits (default 2000 ms; the next step starts a fresh one). */
  idleMs?: number;
  /** A spawner that relayed more output than this exits as soon as it is idle (default 64 MiB). */
  recycleAfterBytes?: number;
}

/**
 * A small pool of lean spawner processes (spawner-child.mjs) that start step processes on behalf
 * of this one. Why: fork() from a big Node process is slow and blocks its event loop (cost grows
 * with memory; LIBRARIES.md measures 2 ms at 50 MiB and 14 ms at 300 MiB), so a CLI or agent that
 * holds the whole of Gantry should not fork steps itself.
 *
 * Processes are started lazily on first use. Requests go to the least busy spawner. While nothing
 * is in flight the spawners are unref'd, so they never keep the parent alive; `close()` ends them.
 * If a spawner dies, its in-flight processes are reported `failed` (or `closed` if they had
 * started) and the next request starts a fresh one. When the parent dies, the spawners SIGKILL
 * every process group they started and exit (they watch the IPC channel).
 *
 * Recycling, for memory: a spawner is a whole Node process (~45 MiB), and one that relayed a loud
 * step keeps the heap it grew (~90–130 MiB after a million lines). So a spawner exits once it has
 * been idle for `idleMs`, or as soon as it is idle after relaying `recycleAfterBytes`; an idle
 * server then holds no spawner at all, and the next step pays the boot (~50 ms) once.
 */
interface Slot {
  child: ChildProcess | undefined;
  inFlight: Map<number, SpawnHandlers>;
  /** Output bytes the current child relayed. */
  relayed: number;
  idleTimer: NodeJS.Timeout | undefined;
}

export class SpawnerPool {
  readonly #size: number;
  readonly #slots: Slot[];
  #nextId = 1;

  readonly #script: string;
  readonly #idleMs: number;
  readonly #recycleAfterBytes: number;

  /** `script` is for tests (a spawner that cannot start); the real one sits next to this module. */
  constructor(size = 2, script = CHILD_SCRIPT, options: SpawnerPoolOptions = {}) {
    this.#script = script;
    this.#size = Math.max(1, size);
    this.#idleMs = options.idleMs ?? 2000;
    this.#recycleAfterBytes = options.recycleAfterBytes ?? 64 * 1024 * 1024;
    this.#slots = Array.from({ length: this.#size }, () => ({ child: undefined, inFlight: new Map(), relayed: 0, idleTimer: undefined }));
  }

  spawn(request: SpawnRequest, handlers: SpawnHandlers): SpawnedProcess {
    const slot = this.#slots.reduce((a, b) => (b.inFlight.size < a.inFlight.size ? b : a));
    clearTimeout(slot.idleTimer);
    const child = this.#ensure(slot);
    const id = this.#nextId++;
    slot.inFlight.set(id, handlers);
    if (slot.inFlight.size === 1) ref(child);
    child.send({ type: 'spawn', id, ...request });
    return { dropPipes: () => child.connected && child.send({ type: 'drop-pipes', id }) };
  }

  /** Starts the spawner processes now, so the first step does not wait for one to boot (~50 ms). */
  warm(): void {
    for (const slot of this.#slots) {
      this.#ensure(slot);
      if (slot.inFlight.size === 0) this.#idle(slot);
    }
  }

  /** Ends every spawner; processes still running are SIGKILLed by their spawner. */
  close(): void {
    for (const slot of this.#slots) {
      clearTimeout(slot.idleTimer);
      if (slot.child?.connected) slot.child.disconnect();
      slot.child = undefined;
    }
  }

  #ensure(slot: Slot): ChildProcess {
    if (slot.child?.connected) return slot.child;
    const child = fork(this.#script, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
    slot.child = child;
    slot.relayed = 0;
    child.on('message', (message: Message) => this.#dispatch(slot, message));
    child.once('exit', () => this.#orphan(slot, child));
    // A spawner that cannot start (or whose channel broke) makes `send` fail with EPIPE here.
    child.on('error', () => this.#orphan(slot, child));
    unref(child);
    return child;
  }

  #dispatch(slot: Slot, message: Message): void {
    const handlers = slot.inFlight.get(message.id);
    if (handlers === undefined) return;
    switch (message.type) {
      case 'started':
        return handlers.started(message.pid);
      case 'failed':
        this.#finish(slot, message.id);
        return handlers.failed(new GantryError('RUNNER_SPAWN_FAILED', `${message.code}: ${message.message}`));
      case 'out':
        slot.relayed += message.data.byteLength;
        return handlers.output(message.stream, Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength));
      case 'exit':
        return handlers.exited();
      case 'close':
        this.#finish(slot, message.id);
        return handlers.closed(message.code, message.signal);
    }
  }

  #finish(slot: Slot, id: number): void {
    slot.inFlight.delete(id);
    if (slot.inFlight.size === 0 && slot.child) {
      unref(slot.child);
      if (slot.relayed > this.#recycleAfterBytes) this.#retire(slot);
      else this.#idle(slot);
    }
  }

  #idle(slot: Slot): void {
    clearTimeout(slot.idleTimer);
    slot.idleTimer = setTimeout(() => {
      if (slot.inFlight.size === 0) this.#retire(slot);
    }, this.#idleMs);
    slot.idleTimer.unref();
  }

  /** Lets an idle spawner exit (it has nothing in flight); the slot forks a fresh one when needed. */
  #retire(slot: Slot): void {
    clearTimeout(slot.idleTimer);
    const child = slot.child;
    slot.child = undefined;
    if (!child) return;
    // Its exit is expected: it must not fail requests the slot's next spawner takes meanwhile.
    child.removeAllListeners('exit');
    child.removeAllListeners('error');
    child.on('error', () => undefined);
    if (child.connected) child.disconnect();
  }

  /** A spawner died under its processes: none of them will report again. */
  #orphan(slot: Slot, child: ChildProcess): void {
    if (slot.child === child) slot.child = undefined;
    const lost = [...slot.inFlight.values()];
    slot.inFlight.clear();
    for (const handlers of lost) {
      handlers.failed(new GantryError('RUNNER_SPAWN_FAILED', 'the spawner process exited unexpectedly'));
    }
  }
}

// A forked child holds the parent's event loop open through the process handle and the IPC channel.
function ref(child: ChildProcess): void {
  child.ref();
  (child.channel as { ref?: () => void } | undefined)?.ref?.();
}

function unref(child: ChildProcess): void {
  child.unref();
  (child.channel as { unref?: () => void } | undefined)?.unref?.();
}
