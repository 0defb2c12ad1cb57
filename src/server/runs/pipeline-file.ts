import type { MirrorProject, RepoMirrors } from '../repos/index.js';

export const PIPELINE_FILE = '.gantry.yml';
export const PIPELINE_DIR = '.gantry';

export type PipelineFileLookup =
  | { found: true; file: string; text: string }
  | { found: false; reason: string };

/**
 * The pipeline file at a commit: `.gantry.yml` at the root; when absent, the one `*.yml` under
 * `.gantry/`. Several files under `.gantry/` (and no `.gantry.yml`) is not supported yet — said
 * plainly rather than guessing which one the user meant; `.gantry.yml` takes precedence over the
 * folder when both exist.
 */
export async function findPipelineFile(repos: RepoMirrors, project: MirrorProject, sha: string): Promise<PipelineFileLookup> {
  const root = await repos.readFile(project, sha, PIPELINE_FILE);
  if (root !== undefined) return { found: true, file: PIPELINE_FILE, text: root };
  const candidates = (await repos.listFiles(project, sha, PIPELINE_DIR)).filter((path) => path.endsWith('.yml'));
  if (candidates.length === 0) {
    return { found: false, reason: `no pipeline file at commit ${sha.slice(0, 12)}: add ${PIPELINE_FILE} (or one *.yml under ${PIPELINE_DIR}/)` };
  }
  if (candidates.length > 1) {
    return {
      found: false,
      reason:
        `found ${candidates.length} pipeline files under ${PIPELINE_DIR}/ (${candidates.join(', ')}); only one pipeline file per ` +
        `project is supported yet: keep one, or put the pipeline in ${PIPELINE_FILE} (which takes precedence)`,
    };
  }
  const file = candidates[0]!;
  const text = await repos.readFile(project, sha, file);
  if (text === undefined) return { found: false, reason: `${file} could not be read at commit ${sha.slice(0, 12)}` };
  return { found: true, file, text };
}
