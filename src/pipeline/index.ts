/**
 * The pipeline language. PURE: strings in, a plan or diagnostics out; no I/O, no clock, no env.
 *
 *   loadPipeline(text, file)      parse YAML (with positions) + validate + lint → LoadedPipeline | diagnostics
 *   compilePipeline(loaded, event) apply `on`, expand matrix, apply compile-time `if` → Plan | diagnostics
 *   pipelineJsonSchema()           the JSON Schema published as schema/gantry.schema.json
 */
export type { GitEvent, EventName } from './event.js';
export { EVENT_NAMES } from './event.js';
export type * from './plan.js';
export type { PipelineFile, JobSpec, StepSpec } from './schema.js';
export type { LoadedPipeline, LoadResult } from './loaded.js';
export { loadPipeline } from './load.js';
export { compilePipeline, type CompileResult, type CompileOptions } from './compile.js';
export { pipelineJsonSchema } from './json-schema.js';
export * as expr from './expr/index.js';
