/**
 * The registry of pipeline diagnostic codes. Codes are stable: tools and people search for them.
 * docs/pipeline.md ("Diagnostics") lists every code; a test keeps the two in step.
 */
export interface DiagnosticCodeInfo {
  readonly severity: 'error' | 'warning';
  readonly description: string;
}

export const DIAGNOSTIC_CODES = {
  PIPELINE_FILE_TOO_LARGE: { severity: 'error', description: 'The pipeline file is larger than the 1 MiB limit.' },
  PIPELINE_YAML_SYNTAX: { severity: 'error', description: 'The file is not valid YAML (or nests too deeply, or uses too many aliases).' },
  PIPELINE_DUPLICATE_KEY: { severity: 'error', description: 'A key appears twice in the same mapping; the second would silently replace the first.' },
  PIPELINE_BAD_VERSION: { severity: 'error', description: '`version` is not a version this Gantry understands (only `1`).' },
  PIPELINE_UNKNOWN_KEY: { severity: 'error', description: 'A key that the pipeline language does not know (often a typo; a suggestion is given).' },
  PIPELINE_WRONG_TYPE: { severity: 'error', description: 'A value has the wrong type or is not one of the allowed values.' },
  PIPELINE_MISSING_KEY: { severity: 'error', description: 'A required key is missing (e.g. `version`, `jobs`, a job\'s `steps`).' },
  PIPELINE_UNKNOWN_NEED: { severity: 'error', description: '`needs` names a job that does not exist.' },
  PIPELINE_SELF_NEED: { severity: 'error', description: 'A job lists itself in `needs`.' },
  PIPELINE_CYCLE: { severity: 'error', description: 'Jobs need each other in a circle, so none of them could start.' },
  PIPELINE_STEP_KIND: { severity: 'error', description: 'A step must have exactly one of `run`, `build`, `deploy` or `uses`.' },
  PIPELINE_DUPLICATE_STEP_ID: { severity: 'error', description: 'Two steps of one job have the same `id`.' },
  PIPELINE_BAD_DURATION: { severity: 'error', description: 'A timeout, backoff or retention is not a duration like `90s`, `20m` or `1h30m`.' },
  PIPELINE_BAD_SERVICE_NAME: { severity: 'error', description: 'A service name is not a valid host name (lower-case letters, digits and `-`); the job reaches a service by its name.' },
  PIPELINE_BAD_SIZE: { severity: 'error', description: 'A memory limit is not a size like `512m`, `2g` or a number of bytes.' },
  PIPELINE_BAD_GLOB: { severity: 'error', description: 'A branch, path or tag pattern under `on` is not a valid glob.' },
  PIPELINE_BAD_CRON: { severity: 'error', description: 'A cron schedule under `on.cron` is not a valid cron pattern.' },
  PIPELINE_BAD_EXPRESSION: { severity: 'error', description: 'A `${{ }}` expression or `if:` condition does not parse, or uses an unknown name or function.' },
  PIPELINE_UNKNOWN_REFERENCE: { severity: 'error', description: 'An expression refers to `needs.<job>`, `matrix.<axis>` or `steps.<id>` that this job or step cannot see.' },
  PIPELINE_MATRIX_TOO_LARGE: { severity: 'error', description: 'A matrix expands to more than 256 jobs.' },
  PIPELINE_MATRIX_EMPTY: { severity: 'error', description: 'A matrix expands to no job at all (an empty axis, or everything excluded).' },
  PIPELINE_BAD_INPUT_DEFINITION: { severity: 'error', description: 'A manual/api input is defined inconsistently (default not among options, choice without options, default of the wrong type).' },
  PIPELINE_SECRET_IN_SCRIPT: { severity: 'warning', description: '`${{ secrets.* }}` is used directly inside `run:`; pass it through `env:` instead.' },
  PIPELINE_NEVER_RUNS: { severity: 'warning', description: 'A job or step has `if: false` and can never run.' },
  PIPELINE_BAD_SHELL: { severity: 'error', description: 'A custom `shell:` command lacks the `{0}` placeholder for the script file.' },
  PIPELINE_BAD_INPUT: { severity: 'error', description: 'An input given to a manual/api run is unknown, missing, not one of its options, or of the wrong type.' },
  PIPELINE_DUPLICATE_JOB_ID: { severity: 'error', description: 'Two jobs would get the same id (a job key that looks like a matrix instance, e.g. `test (node: 20)`).' },
  PIPELINE_EXPRESSION_FAILED: { severity: 'error', description: 'An expression evaluated at compile time failed with the event\'s values (unknown name, type error).' },
  PIPELINE_UNKNOWN_JOB: { severity: 'error', description: '`--job NAME` names no job of the file (a suggestion is given).' },
  PIPELINE_LINT_FAULT: { severity: 'error', description: 'Gantry itself failed while checking the file. This is a bug; please report it with the file.' },
} as const satisfies Record<string, DiagnosticCodeInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
