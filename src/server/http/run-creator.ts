import type { RepoMirrors } from '../repos/index.js';
import type { CreateRunFromEvent } from '../runs/index.js';

/**
 * What the HTTP layer needs to start runs: the run creator (`createRunFromEvent` of server/runs) and
 * the repository mirrors (a manual/api trigger checks its inputs against the pipeline at the commit
 * before a run is stored).
 */
export interface RunStarter {
  readonly createRun: CreateRunFromEvent;
  readonly repos: RepoMirrors;
}
