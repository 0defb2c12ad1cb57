import type { Diagnostic } from '../core/index.js';
import type { PipelineFile } from './schema.js';

/** A pipeline file that parsed and validated without errors (warnings may remain). */
export interface LoadedPipeline {
  file: string;
  source: string;
  pipeline: PipelineFile;
  /** 1-based position of the YAML node at `path` (nearest existing ancestor when absent). */
  locate(path: readonly (string | number)[]): { line: number; column: number };
}

export interface LoadResult {
  /** Present when there were no errors. */
  loaded?: LoadedPipeline;
  /** Errors and warnings, sorted by position. */
  diagnostics: Diagnostic[];
}
