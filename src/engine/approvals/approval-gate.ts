import { GantryError } from '../../core/index.js';
import type { PlanJob } from '../../pipeline/index.js';
import type { ApprovalDecision, ApprovalStore, JobApproval, Project } from '../../store/index.js';

/** The stored reason of a job held at the gate (shown in the API, the CLI and the UI). */
export function approvalReason(environment: string): string {
  return `approval required (environment ${environment})`;
}

/** The protected environment a job deploys to, or undefined when it runs without approval. */
export function protectedEnvironmentOf(job: PlanJob, project: Pick<Project, 'settings'>): string | undefined {
  const environment = job.environment;
  return environment !== undefined && project.settings.protectedEnvironments.includes(environment) ? environment : undefined;
}

export interface DecisionInput {
  runId: number;
  jobId: string;
  decision: ApprovalDecision;
  actor: string;
  comment?: string | null;
}

interface Waiter {
  environment: string;
  resolve(approval: JobApproval): void;
}

/**
 * Holds jobs that deploy to a protected environment until a person decides.
 *
 * The decision is the durable part (ApprovalStore, one per run and job, final); the waiters here
 * are only this process's way to wake the job at once. So a restart loses nothing: the resumed run
 * asks the gate again and either finds the decision stored or waits again. A job is decided only
 * while it waits here — not before its needs are done, so nobody approves a deploy of something
 * that has not been built yet.
 */
export class ApprovalGate {
  readonly #store: ApprovalStore;
  readonly #waiting = new Map<string, Waiter>();

  constructor(store: ApprovalStore) {
    this.#store = store;
  }

  /**
   * The decision for the job: at once when stored, else after `onWaiting` once a person decides.
   * Undefined when `signal` aborts first (the run was canceled).
   */
  async wait(runId: number, jobId: string, environment: string, signal: AbortSignal, onWaiting: () => void): Promise<JobApproval | undefined> {
    const stored = await this.#store.get(runId, jobId);
    if (stored) return stored;
    if (signal.aborted) return undefined;
    const key = keyOf(runId, jobId);
    return new Promise<JobApproval | undefined>((resolve) => {
      const onAbort = () => {
        this.#waiting.delete(key);
        resolve(undefined);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.set(key, {
        environment,
        resolve: (approval) => {
          signal.removeEventListener('abort', onAbort);
          this.#waiting.delete(key);
          resolve(approval);
        },
      });
      onWaiting();
    });
  }

  /** The environment a job waits on here, or undefined when it does not wait for approval. */
  waitingOn(runId: number, jobId: string): string | undefined {
    return this.#waiting.get(keyOf(runId, jobId))?.environment;
  }

  /** Stores a decision for a waiting job and wakes it. RUN_JOB_NOT_AWAITING_APPROVAL / RUN_JOB_ALREADY_DECIDED otherwise. */
  async decide(input: DecisionInput): Promise<JobApproval> {
    const waiter = this.#waiting.get(keyOf(input.runId, input.jobId));
    if (!waiter) {
      const earlier = await this.#store.get(input.runId, input.jobId);
      if (earlier) throw alreadyDecided(earlier);
      throw new GantryError('RUN_JOB_NOT_AWAITING_APPROVAL', `job ${input.jobId} is not waiting for approval`, { details: { job: input.jobId } });
    }
    let approval: JobApproval;
    try {
      approval = await this.#store.decide({
        runId: input.runId, jobId: input.jobId, environment: waiter.environment, decision: input.decision, actor: input.actor, comment: input.comment ?? null,
      });
    } catch (err) {
      const earlier = err instanceof GantryError && err.code === 'STORE_CONFLICT' ? await this.#store.get(input.runId, input.jobId) : undefined;
      throw earlier ? alreadyDecided(earlier) : err;
    }
    waiter.resolve(approval);
    return approval;
  }
}

function keyOf(runId: number, jobId: string): string {
  return `${runId}\u0000${jobId}`;
}

function alreadyDecided(earlier: JobApproval): GantryError {
  return new GantryError('RUN_JOB_ALREADY_DECIDED', `job ${earlier.jobId} was ${earlier.decision} by ${earlier.actor} already`, {
    details: { job: earlier.jobId, decision: earlier.decision, actor: earlier.actor },
  });
}
