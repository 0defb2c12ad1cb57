import type { ApiClient, RunDetailView } from '../../api-client/index.js';
import { EXIT, exitCodeForRun } from '../exit-codes.js';
import { followRun } from '../follow/follow-run.js';
import { createBatchedWriter } from '../render/batched-writer.js';
import { pickReporter } from '../render/pick-reporter.js';
import { handleInterrupts } from '../signals.js';

/**
 * `gantry trigger --follow`: the new run live with the same tree / lines / --json events as `gantry
 * exec`, then its summary; exits with the run's result (0 success, 1 failure or canceled, 4 error).
 * Ctrl-C stops following only: the run goes on on the server (`gantry run cancel` stops it).
 */
export async function followTriggered(
  project: string,
  run: RunDetailView,
  flags: { json?: boolean; color?: boolean },
  call: <T>(work: (api: ApiClient) => Promise<T>) => Promise<T>,
): Promise<number> {
  const out = createBatchedWriter(process.stdout);
  const reporter = await pickReporter(flags, out);
  if (!flags.json) reporter.note(`following run #${run.number} of ${project} (${run.event} @ ${run.sha.slice(0, 12)}); Ctrl-C stops following, not the run`);
  const interrupts = handleInterrupts({ onFirst: () => undefined, onForce: () => process.exit(EXIT.interrupted) });
  try {
    const final = await call((api) => followRun({ api, project, number: run.number, reporter, signal: interrupts.signal }));
    if (!final) {
      out.flush();
      process.stderr.write(`stopped following; run #${run.number} goes on (gantry run cancel ${project} ${run.number} stops it)\n`);
      return EXIT.interrupted;
    }
    reporter.finish({ status: final.status, ...(final.reason ? { reason: final.reason } : {}), durationMs: final.durationMs ?? 0, number: final.number });
    out.flush();
    return exitCodeForRun(final.status, false);
  } finally {
    interrupts.dispose();
  }
}
