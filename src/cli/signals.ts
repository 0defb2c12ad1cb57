/**
 * Ctrl-C handling for long commands. The first SIGINT/SIGTERM asks for a graceful cancel (the run's
 * AbortSignal: steps are stopped by process group, `always()` cleanup still runs); the second one
 * forces: the caller kills every step's process group and the command exits 130.
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
