/**
 * Runs on the server: from an event to a stored run.
 *
 *   createRunFromEvent({ store, repos, clock })(project, event, trigger, { before? })
 *     → { created: true, run } | { created: false, reason }
 *     (a push or tag whose commit a recent run of its ref built makes no run: same-push.ts)
 *   findPipelineFile(repos, project, sha)   `.gantry.yml`, else the one `*.yml` under `.gantry/`
 *
 * See docs/runs.md for the whole path of a push.
 */
export {
  createRunFromEvent, compileReason, MAX_REASON_DIAGNOSTICS,
  type CreateRunDeps, type CreateRunOptions, type CreateRunResult, type CreateRunFromEvent,
} from './create-run.js';
export { findPipelineFile, PIPELINE_FILE, PIPELINE_DIR, type PipelineFileLookup } from './pipeline-file.js';
