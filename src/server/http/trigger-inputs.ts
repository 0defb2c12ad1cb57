import { formatDiagnostic, GantryError } from '../../core/index.js';
import { compilePipeline, loadPipeline, type GitEvent } from '../../pipeline/index.js';
import type { Project } from '../../store/index.js';
import type { RepoMirrors } from '../repos/index.js';
import { findPipelineFile, type PipelineFileLookup } from '../runs/index.js';

/**
 * A manual/api trigger has its caller on the line: inputs that do not fit the pipeline's declared
 * inputs are answered with 422 and the diagnostics instead of stored as an `error` run (which is what
 * a broken pipeline file gives, for webhooks and triggers alike). Anything else wrong is left to the
 * run creator, which records it on an `error` run.
 *
 * Pins the commit (so the run is made for exactly the commit checked here) and hands back the
 * pipeline file read there, so the run creator need not read it again
 * (`createRun(…, { alreadySynced: true, pipelineFile })`). A trigger naming a full commit id the
 * mirror already has does not fetch; a branch or tag does.
 * Throws RUN_BAD_INPUT, GIT_UNKNOWN_REF, GIT_UNKNOWN_COMMIT, GIT_FETCH_FAILED.
 */
export async function pinAndCheckTrigger(
  repos: RepoMirrors,
  project: Project,
  event: GitEvent,
): Promise<{ event: GitEvent; pipelineFile: PipelineFileLookup }> {
  if (!(await repos.hasCommit(project, event.sha))) await repos.sync(project);
  const pinned = await pin(repos, project, event);
  const lookup = await findPipelineFile(repos, project, pinned.sha);
  const result = { event: pinned, pipelineFile: lookup };
  if (!lookup.found) return result;
  const load = loadPipeline(lookup.text, lookup.file);
  if (!load.loaded) return result;
  const bad = compilePipeline(load.loaded, pinned).diagnostics.filter((d) => d.code === 'PIPELINE_BAD_INPUT');
  if (bad.length > 0) {
    throw new GantryError('RUN_BAD_INPUT', `the inputs do not fit ${lookup.file}:\n${bad.map(formatDiagnostic).join('\n')}`, {
      details: { diagnostics: bad },
    });
  }
  return result;
}

async function pin(repos: RepoMirrors, project: Project, event: GitEvent): Promise<GitEvent> {
  if (event.sha !== '') {
    if ((await repos.resolve(project, event.sha)) === undefined) {
      throw new GantryError('GIT_UNKNOWN_COMMIT', `commit ${event.sha} is not in the repository of project ${project.name}`, { details: { sha: event.sha } });
    }
    return event;
  }
  const named: GitEvent = event.tag ? { ...event } : { ...event, branch: event.branch || project.defaultBranch };
  const ref = named.tag ? `refs/tags/${named.tag}` : `refs/heads/${named.branch}`;
  const sha = await repos.resolve(project, ref);
  if (sha === undefined) {
    const what = named.tag ? `tag '${named.tag}'` : `branch '${named.branch}'`;
    throw new GantryError('GIT_UNKNOWN_REF', `${what} does not exist in the repository of project ${project.name}`, { details: { ref } });
  }
  return { ...named, sha };
}
