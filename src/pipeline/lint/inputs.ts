import type { PathPart } from '../yaml-positions.js';
import { asRecord, isRecord, type LintContext } from './context.js';

type Report = (path: PathPart[], message: string, hint?: string) => void;

function checkInput(name: string, input: Record<string, unknown>, path: PathPart[], report: Report): void {
  const options = Array.isArray(input.options) ? input.options : undefined;
  const type = input.type ?? (options ? 'choice' : 'string');
  if (type === 'choice' && (!options || options.length === 0)) {
    report(path, `input '${name}' is a choice but has no options`, 'add `options: [a, b]`');
  }
  if (input.default === undefined) return;
  const def = input.default;
  if (options && !options.some((o) => String(o) === String(def))) {
    const list = options.map((o) => String(o)).join(', ');
    report([...path, 'default'], `default '${String(def)}' of input '${name}' is not one of its options (${list})`);
  }
  if (type === 'boolean' && typeof def !== 'boolean') report([...path, 'default'], `input '${name}' is a boolean, but its default is not true or false`);
  if (type === 'number' && typeof def !== 'number') report([...path, 'default'], `input '${name}' is a number, but its default is not a number`);
}

/** Consistency of on.manual.inputs and on.api.inputs: choices have options, defaults fit. */
export function checkInputs(ctx: LintContext): void {
  const on = asRecord(asRecord(ctx.root).on);
  for (const event of ['manual', 'api'] as const) {
    const inputs = asRecord(asRecord(on[event]).inputs);
    for (const [name, input] of Object.entries(inputs)) {
      if (!isRecord(input)) continue;
      const report: Report = (path, message, hint) => ctx.report({ code: 'PIPELINE_BAD_INPUT_DEFINITION', path, message, hint });
      checkInput(name, input, ['on', event, 'inputs', name], report);
    }
  }
}
