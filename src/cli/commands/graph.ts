import { GantryError } from '../../core/index.js';
import { EXIT } from '../exit-codes.js';
import { DEFAULT_PIPELINE_FILE, planFromFlags, type EventFlags } from '../pipeline-source.js';
import { renderGraph, type GraphFormat } from '../render/graph.js';
import { colorEnabled, createStyle } from '../render/style.js';

export interface GraphFlags extends EventFlags {
  format?: string;
  color?: boolean;
}

/** `gantry graph`: the plan's DAG as Mermaid (default) or DOT on stdout. */
export async function graphCommand(fileArg: string | undefined, flags: GraphFlags): Promise<number> {
  const format = (flags.format ?? 'mermaid') as GraphFormat;
  if (format !== 'mermaid' && format !== 'dot') {
    throw new GantryError('CONFIG_INVALID', `--format must be mermaid or dot, got "${flags.format}"`);
  }
  const plan = await planFromFlags(fileArg ?? DEFAULT_PIPELINE_FILE, flags, createStyle(colorEnabled(process.stderr, flags.color === false)));
  if (!plan) return EXIT.invalidPipeline;
  process.stdout.write(renderGraph(plan, format) + '\n');
  return EXIT.ok;
}
