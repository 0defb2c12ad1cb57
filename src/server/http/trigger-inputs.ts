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
 * mirror already has does not fetch, nor does a branch or tag whose head, read from an origin on this
 * machine, the mirror has; any other fetches first.
 * Throws RUN_BAD_INPUT, GIT_UNKNOWN_REF, GIT_UNKNOWN_COMMIT, GIT_FETCH_FAILED.
 */
export async function pinAndCheckTrigger(
  repos: RepoMirrors,
  project: Project,
  event: GitEvent,
): Promise<{ event: GitEvent; pipelineFile: PipelineFileLookup }> {
  const pinned = (await pinWithoutFetch(repos, project, event)) ?? (await syncAndPin(repos, project, event));
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

/** The branch or tag named, and the ref that holds it (the project's default branch when none is named). */
function namedRef(project: Project, event: GitEvent): { named: GitEvent; ref: string } {
  const named: GitEvent = event.tag ? { ...event } : { ...event, branch: event.branch || project.defaultBranch };
  return { named, ref: named.tag ? `refs/tags/${named.tag}` : `refs/heads/${named.branch}` };
}

/**
 * No fetch when the mirror already has the commit: a full commit id it has, or a branch/tag whose
 * head in an origin on this machine (one `git rev-parse` there) it has. Undefined: fetch first.
 */
async function pinWithoutFetch(repos: RepoMirrors, project: Project, event: GitEvent): Promise<GitEvent | undefined> {
  if (event.sha !== '') return (await repos.hasCommit(project, event.sha)) ? event : undefined;
  const { named, ref } = namedRef(project, event);
  const head = await repos.originHead(project, ref);
  return head !== undefined && (await repos.hasCommit(project, head)) ? { ...named, sha: head } : undefined;
}

async function syncAndPin(repos: RepoMirrors, project: Project, event: GitEvent): Promise<GitEvent> {
  await repos.sync(project);
  if (event.sha !== '') {
    if ((await repos.resolve(project, event.sha)) === undefined) {
      throw new GantryError('GIT_UNKNOWN_COMMIT', `commit ${event.sha} is not in the repository of project ${project.name}`, { details: { sha: event.sha } });
    }
    return event;
  }
  const { named, ref } = namedRef(project, event);
  const sha = await repos.resolve(project, ref);
  if (sha === undefined) {
    const what = named.tag ? `tag '${named.tag}'` : `branch '${named.branch}'`;
    throw new GantryError('GIT_UNKNOWN_REF', `${what} does not exist in the repository of project ${project.name}`, { details: { ref } });
  }
  return { ...named, sha };
}
