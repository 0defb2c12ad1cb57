import type { Plan, PlanJob } from '../pipeline/index.js';
import type { Workspace } from './backend.js';

/**
 * The variables Gantry sets for every step of a job. They sit above the host environment and below
 * everything the pipeline sets (plan env < job env < $GANTRY_ENV exports < step env), except
 * GANTRY_OUTPUT and GANTRY_ENV, which are set last, per step, and cannot be overridden.
 * Values from outside (branch, tag, sha) reach scripts only this way, as data.
 */
export function builtinEnv(plan: Plan, job: PlanJob, workspace: Workspace, attempt: number): Record<string, string> {
  const git = plan.context.git;
  return {
    CI: 'true',
    GANTRY: 'true',
    GANTRY_JOB: job.id,
    GANTRY_JOB_KEY: job.key,
    GANTRY_ATTEMPT: String(attempt),
    GANTRY_WORKSPACE: workspace.dir,
    GANTRY_TEMP: workspace.tempDir,
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

export function stepFiles(workspace: Workspace, stepIndex: number): StepFiles {
  const base = `${workspace.tempDir}/step-${stepIndex}`;
  return { script: `${base}.script`, output: `${base}.output`, env: `${base}.env` };
}

/** Replaces `{0}` in the shell argv with the script path. */
export function shellArgv(shell: readonly string[], scriptPath: string): string[] {
  return shell.map((word) => word.split('{0}').join(scriptPath));
}
