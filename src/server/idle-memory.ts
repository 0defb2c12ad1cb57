import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';

/**
 * Gives memory back once the server goes idle after work. Running jobs — a step printing a million
 * lines most of all — leave V8's old space tens of MB larger with garbage; V8 shrinks it only when
 * its memory reducer decides to run a full GC, which may take many seconds or not happen while the
 * server sits idle (bench:server (d): 206 MiB five seconds after a 1M-line step, 111 MiB once a full
 * GC ran). So: when no run has been active for `idleMs` after some were, run one full GC. It costs
 * one pause of tens of ms at a moment nothing is running, at most once per busy period.
 */
export interface IdleMemory {
  /** One check (the timer calls it; tests call it with their own time). */
  tick(nowMs: number): void;
  stop(): void;
}

export interface IdleMemoryOptions {
  /** True while work runs (runs executing here). */
  busy(): boolean;
  /** How long the server must have been idle after work (default 5 s). */
  idleMs?: number;
  /** How often to look (default 1 s). */
  everyMs?: number;
  /** The full GC (default: V8's own, exposed at run time). */
  collect?: () => void;
}

export function startIdleMemory(options: IdleMemoryOptions): IdleMemory {
  const idleMs = options.idleMs ?? 5000;
  const collect = options.collect ?? exposedGc();
  /** When the last busy period ended; undefined: nothing to give back since the last collection. */
  let idleSince: number | undefined;
  let wasBusy = false;
  const tick = (now: number): void => {
    if (options.busy()) {
      wasBusy = true;
      idleSince = undefined;
      return;
    }
    if (!wasBusy) return;
    idleSince ??= now;
    if (now - idleSince < idleMs) return;
    wasBusy = false;
    idleSince = undefined;
    collect();
  };
  const timer = setInterval(() => tick(performance.now()), options.everyMs ?? 1000);
  timer.unref();
  return { tick, stop: () => clearInterval(timer) };
}

/**
 * V8's full GC without starting node with --expose-gc: the flag set at run time exposes `gc` to new
 * contexts (documented V8 behaviour; the global of this context stays as it was).
 */
function exposedGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => gc();
}
