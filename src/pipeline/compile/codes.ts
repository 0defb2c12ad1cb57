import type { Diagnostic } from '../../core/index.js';
import { formatPath } from '../../core/index.js';
import type { DiagnosticCode } from '../diagnostic-codes.js';
import type { LoadedPipeline } from '../loaded.js';

/**
 * The diagnostic codes compile raises, by role (all registered in diagnostic-codes.ts). Compile only sees files that
 * passed lint, so these are problems that depend on the event or the options: inputs given by a
 * caller, `--job` names, matrix size, and expressions that fail when evaluated with real values.
 */
export const COMPILE_CODES = {
  /** A manual/api input is unknown, missing, not one of its options, or of the wrong type. */
  BAD_INPUT: 'PIPELINE_BAD_INPUT',
  /** A matrix expands to more instances than allowed (CompileOptions.maxMatrix). */
  MATRIX_TOO_LARGE: 'PIPELINE_MATRIX_TOO_LARGE',
  /** A matrix expands to no instance at all (an empty axis, everything excluded). */
  MATRIX_EMPTY: 'PIPELINE_MATRIX_EMPTY',
  /** Two plan jobs would get the same id (e.g. a job key that looks like a matrix instance id). */
  DUPLICATE_JOB_ID: 'PIPELINE_DUPLICATE_JOB_ID',
  /** An expression evaluated at compile time failed (unknown name, type error). */
  EXPRESSION_FAILED: 'PIPELINE_EXPRESSION_FAILED',
  /** An expression or template that does not parse (normally caught by lint). */
  BAD_EXPRESSION: 'PIPELINE_BAD_EXPRESSION',
  /** `needs` names a job that does not exist (normally caught by lint). */
  UNKNOWN_NEED: 'PIPELINE_UNKNOWN_NEED',
  /** `needs` form a cycle (normally caught by lint). */
  NEEDS_CYCLE: 'PIPELINE_CYCLE',
  /** A custom `shell:` without the `{0}` script placeholder. */
  BAD_SHELL: 'PIPELINE_BAD_SHELL',
  /** A step with none of run/build/deploy/uses (normally caught by lint). */
  BAD_STEP: 'PIPELINE_STEP_KIND',
  /** `--job NAME` names no job of the file. */
  UNKNOWN_JOB: 'PIPELINE_UNKNOWN_JOB',
} as const satisfies Record<string, DiagnosticCode>;

export type CompileCode = (typeof COMPILE_CODES)[keyof typeof COMPILE_CODES];

type Path = readonly (string | number)[];

/** Collects diagnostics for one compile, positioned through the loaded file's locator. */
export class DiagnosticSink {
  readonly diagnostics: Diagnostic[] = [];
  constructor(private readonly loaded: LoadedPipeline) {}

  error(code: CompileCode, message: string, path: Path, hint?: string, columnOffset = 0): void {
    const { line, column } = this.loaded.locate(path);
    const d: Diagnostic = {
      code,
      severity: 'error',
      message,
      file: this.loaded.file,
      line,
      column: column + columnOffset,
      path: formatPath(path),
    };
    if (hint !== undefined) d.hint = hint;
    this.diagnostics.push(d);
  }
}
