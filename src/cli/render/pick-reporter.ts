import type { BatchedWriter } from './batched-writer.js';
import { createJsonReporter, createLineReporter, type Reporter } from './reporter.js';
import { colorEnabled, createStyle } from './style.js';

/**
 * The reporter for a command's flags: --json → NDJSON events; a terminal → the live tree (log-update is
 * loaded only then); otherwise prefixed lines.
 */
export async function pickReporter(flags: { json?: boolean; color?: boolean }, out: BatchedWriter): Promise<Reporter> {
  if (flags.json) return createJsonReporter(out.write);
  const style = createStyle(colorEnabled(process.stdout, flags.color === false));
  if (process.stdout.isTTY) return (await import('./tree-reporter.js')).createTreeReporter(process.stdout, style);
  return createLineReporter(out.write, style);
}
