import type { GitEvent } from '../event.js';
import type { PipelineFile } from '../schema.js';
import { COMPILE_CODES, type DiagnosticSink } from './codes.js';
import { suggestion } from '../suggest.js';

/**
 * The `inputs` context. manual/api events bring caller values, checked against the declared
 * inputs (`on.manual.inputs`, and for api `on.api.inputs` when declared, else the manual ones):
 * defaults applied, unknown or missing required inputs, values outside `options` and bad
 * booleans/numbers are errors. Every other event sees the declared defaults. Values stay typed
 * (booleans, numbers) so `if: inputs.deploy` means what it says ('false' would be truthy).
 */
type Scalar = string | number | boolean;
export type ResolvedInputs = Record<string, Scalar>;
type TriggerMap = Exclude<NonNullable<PipelineFile['on']>, string | readonly string[]>;
type InputSpec = NonNullable<NonNullable<NonNullable<TriggerMap['manual']>['inputs']>[string]>;
type InputType = NonNullable<InputSpec['type']>;

function triggerMap(pipeline: PipelineFile): TriggerMap | undefined {
  const on = pipeline.on;
  return on !== undefined && typeof on === 'object' && !Array.isArray(on) ? (on as TriggerMap) : undefined;
}

/** The declared inputs for an event and where they are declared (for diagnostics). */
function declaredInputs(pipeline: PipelineFile, event: GitEvent): { specs: Record<string, InputSpec>; at: 'manual' | 'api' } {
  const on = triggerMap(pipeline);
  const api = on?.api?.inputs;
  const manual = on?.manual?.inputs;
  if (event.name === 'api' && api) return { specs: api, at: 'api' };
  if (event.name === 'api' || event.name === 'manual') return { specs: manual ?? {}, at: 'manual' };
  // Other events only see defaults; merge both declarations so every name resolves.
  return { specs: { ...(api ?? {}), ...(manual ?? {}) }, at: 'manual' };
}

function inputType(spec: InputSpec): InputType {
  if (spec.type) return spec.type;
  if (spec.options) return 'choice';
  if (typeof spec.default === 'boolean') return 'boolean';
  if (typeof spec.default === 'number') return 'number';
  return 'string';
}

/** Converts a given or default value to its declared type, or returns an error message. */
function coerce(name: string, raw: Scalar, spec: InputSpec): { value: Scalar } | { error: string } {
  const type = inputType(spec);
  const text = String(raw);
  if (type === 'boolean') {
    const lower = text.trim().toLowerCase();
    if (lower === 'true' || lower === 'false') return { value: lower === 'true' };
    return { error: `input '${name}' must be true or false, got '${text}'` };
  }
  if (type === 'number') {
    const n = typeof raw === 'number' ? raw : text.trim() === '' ? NaN : Number(text);
    if (Number.isFinite(n)) return { value: n };
    return { error: `input '${name}' must be a number, got '${text}'` };
  }
  if (spec.options && !spec.options.some((option) => String(option) === text)) {
    return { error: `input '${name}' must be one of ${spec.options.map(String).join(', ')}, got '${text}'` };
  }
  return { value: text };
}

export function resolveInputs(pipeline: PipelineFile, event: GitEvent, sink: DiagnosticSink): ResolvedInputs {
  const { specs, at } = declaredInputs(pipeline, event);
  const given = event.name === 'manual' || event.name === 'api' ? (event.inputs ?? {}) : {};
  const names = Object.keys(specs);
  const base = ['on', at, 'inputs'];
  for (const name of Object.keys(given)) {
    if (!(name in specs)) {
      sink.error(COMPILE_CODES.BAD_INPUT, `unknown input '${name}' for event ${event.name}`, base, suggestion(name, names, 'declared inputs'));
    }
  }
  const typed: Record<string, Scalar> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const raw: Scalar | undefined = Object.hasOwn(given, name) ? given[name] : spec.default;
    if (raw === undefined) {
      if (spec.required && (event.name === 'manual' || event.name === 'api')) {
        sink.error(COMPILE_CODES.BAD_INPUT, `missing required input '${name}'`, [...base, name], `pass it, e.g. --input ${name}=VALUE`);
      }
      typed[name] = '';
      continue;
    }
    const result = coerce(name, raw, spec);
    if ('error' in result) {
      sink.error(COMPILE_CODES.BAD_INPUT, result.error, [...base, name]);
      typed[name] = String(raw);
      continue;
    }
    typed[name] = result.value;
  }
  return typed;
}
