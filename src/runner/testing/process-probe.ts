import { readFileSync } from 'node:fs';

/**
 * True when `pid` no longer runs: kill(pid, 0) fails with ESRCH, or the process is a zombie (it has
 * exited but nobody reaped it — in some containers PID 1 does not reap orphans, so a killed
 * grandchild stays a zombie forever; it runs no code and holds no resources but its pid).
 */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return true;
    throw err;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** Polls `isGone` for up to `withinMs` (killing is asynchronous in the kernel). */
export async function waitGone(pid: number, withinMs = 1000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (isGone(pid)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
