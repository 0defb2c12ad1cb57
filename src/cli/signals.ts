import { readdirSync, readFileSync } from 'node:fs';

/**
 * Ctrl-C handling for long commands. The first SIGINT/SIGTERM asks for a graceful cancel (the run's
 * AbortSignal: steps are stopped by process group, `always()` cleanup still runs); the second one
 * forces: every process group started below this process is killed and the command exits 130.
 *
 * Call `dispose()` when the command is done so the handlers do not outlive it.
 */
export interface Interrupts {
  readonly signal: AbortSignal;
  readonly interrupted: boolean;
  dispose(): void;
}

export function handleInterrupts(options: { onFirst(): void; onForce(): void }): Interrupts {
  const controller = new AbortController();
  let count = 0;
  const handler = (name: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      controller.abort(new Error(`interrupted by ${name}`));
      options.onFirst();
      return;
    }
    options.onForce();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    get interrupted() {
      return count > 0;
    },
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
}

function readProcTable(): ProcInfo[] {
  const out: ProcInfo[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may contain spaces and parentheses: fields start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(entry), ppid: Number(fields[1]), pgid: Number(fields[2]) });
    } catch {
      // The process exited while we looked.
    }
  }
  return out;
}

/**
 * Kills (SIGKILL) every process group led by a descendant of `rootPid`, and every descendant.
 * Steps run in their own process groups, so this reaches grandchildren that were re-parented
 * after their parent died too. Linux only (reads /proc); elsewhere it does nothing.
 * Returns how many signals were sent.
 */
export function killDescendants(rootPid: number = process.pid): number {
  const table = readProcTable();
  const children = new Map<number, ProcInfo[]>();
  for (const proc of table) {
    const list = children.get(proc.ppid);
    if (list) list.push(proc);
    else children.set(proc.ppid, [proc]);
  }
  const ownGroup = table.find((p) => p.pid === rootPid)?.pgid;
  const groups = new Set<number>();
  const pids = new Set<number>();
  const stack = [...(children.get(rootPid) ?? [])];
  while (stack.length > 0) {
    const proc = stack.pop()!;
    pids.add(proc.pid);
    if (proc.pgid !== ownGroup && proc.pgid > 1) groups.add(proc.pgid);
    stack.push(...(children.get(proc.pid) ?? []));
  }
  let sent = 0;
  for (const pgid of groups) sent += trySignal(-pgid);
  for (const pid of pids) sent += trySignal(pid);
  return sent;
}

function trySignal(pid: number): number {
  try {
    process.kill(pid, 'SIGKILL');
    return 1;
  } catch {
    return 0;
  }
}
