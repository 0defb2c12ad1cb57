import type { Plan, PlanJob } from '../pipeline/index.js';
import { guestView, type Workspace } from './backend.js';

/**
 * The variables Gantry sets for every step of a job. They sit above the host environment and below
 * everything the pipeline sets (plan env < job env < $GANTRY_ENV exports < step env), except
 * GANTRY_OUTPUT and GANTRY_ENV, which are set last, per step, and cannot be overridden.
 * Values from outside (branch, tag, sha) reach scripts only this way, as data. Paths are the ones
 * the step's processes see (inside a container: where the workspace is mounted).
 */
export function builtinEnv(plan: Plan, job: PlanJob, workspace: Workspace, attempt: number): Record<string, string> {
  const git = plan.context.git;
  const guest = guestView(workspace);
  return {
    CI: 'true',
    GANTRY: 'true',
    GANTRY_JOB: job.id,
    GANTRY_JOB_KEY: job.key,
    GANTRY_ATTEMPT: String(attempt),
    GANTRY_WORKSPACE: guest.dir,
    GANTRY_TEMP: guest.tempDir,
    GANTRY_EVENT: plan.event.name,
    GANTRY_BRANCH: git.branch,
    GANTRY_BASE_BRANCH: git.base_branch,
    GANTRY_TAG: git.tag,
    GANTRY_REF: git.ref,
    GANTRY_SHA: git.sha,
    GANTRY_SHA_SHORT: git.sha_short,
    GANTRY_REPOSITORY: git.repository,
  };
}

/** Files a step writes to pass values on (fresh per step, inside the private temp dir). */
export interface StepFiles {
  script: string;
  output: string;
  env: string;
}

/**
 * The step's files twice: `host` where Gantry writes the script and reads the others back, `guest`
 * the same files as the step's processes see them (its argv and $GANTRY_OUTPUT / $GANTRY_ENV).
 */
export function stepFiles(workspace: Workspace, stepIndex: number): { host: StepFiles; guest: StepFiles } {
  const at = (dir: string): StepFiles => {
    const base = `${dir}/step-${stepIndex}`;
    return { script: `${base}.script`, output: `${base}.output`, env: `${base}.env` };
  };
  const host = at(workspace.tempDir);
  return { host, guest: workspace.guest ? at(workspace.guest.tempDir) : host };
}

/** Replaces `{0}` in the shell argv with the script path. */
export function shellArgv(shell: readonly string[], scriptPath: string): string[] {
  return shell.map((word) => word.split('{0}').join(scriptPath));
}
