import { EXIT } from '../exit-codes.js';
import { DEFAULT_PIPELINE_FILE, planFromFlags, type EventFlags } from '../pipeline-source.js';
import { renderPlanText, planJson } from '../render/plan-text.js';
import { colorEnabled, createStyle } from '../render/style.js';

export interface PlanFlags extends EventFlags {
  job?: string[];
  json?: boolean;
  color?: boolean;
}

/** `gantry plan`: what would run for an event, and why every other job would not. */
export async function planCommand(fileArg: string | undefined, flags: PlanFlags): Promise<number> {
  const file = fileArg ?? DEFAULT_PIPELINE_FILE;
  const plan = await planFromFlags(file, flags, createStyle(colorEnabled(process.stderr, flags.color === false)));
  if (!plan) return EXIT.invalidPipeline;
  if (flags.json) process.stdout.write(JSON.stringify(planJson(plan), null, 2) + '\n');
  else process.stdout.write(renderPlanText(plan, createStyle(colorEnabled(process.stdout, flags.color === false))) + '\n');
  return EXIT.ok;
}
