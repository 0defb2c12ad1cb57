/**
 * The runner: runs the steps of one job on a backend, masks secrets, reports step events and lines.
 *
 *   createJobRunner(options)  → JobRunner, structurally the engine's JobExecutor
 *   LocalBackend              → Backend running steps as host processes (process group per step)
 *   createMasker(secrets)     → streaming secret masker; maskText for whole values
 *   createLineSplitter()      → whole lines from chunks
 *   hashFiles(root, patterns) → the `hashFiles()` expression function
 */
export type { Backend, BackendJob, ExecRequest, ExecResult, Workspace } from './backend.js';
export { LocalBackend, type LocalBackendOptions } from './local/local-backend.js';
export { createJobRunner, type JobRunnerOptions } from './job-runner.js';
export type { JobRunner, JobRunInput, JobRunOutcome, StepResultContext } from './job-types.js';
export { createMasker, maskText, secretForms, MASK, MIN_SECRET_LENGTH, type Masker } from './masking/index.js';
export { createLineSplitter, MAX_LINE_LENGTH, type LineSplitter } from './line-splitter.js';
export { parseKeyValueFile, type ParsedFile } from './output-files.js';
export { hashFiles } from './hash-files.js';
