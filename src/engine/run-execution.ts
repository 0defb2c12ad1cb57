import { isFinal, type Clock, type Status } from '../core/index.js';
import type { Plan, PlanJob } from '../pipeline/index.js';
import type { Project, Run, Store } from '../store/index.js';
import type { CheckoutSpec, JobSecrets } from './agent-port.js';
import { approvalReason, protectedEnvironmentOf, type ApprovalGate } from './approvals/index.js';
import { buildJobGraph } from './critical-path.js';
import type { JobExecutor, JobOutcome } from './executor.js';
import { priorityClassOf } from './queue/priority-class.js';
import type { JobQueue } from './queue/job-queue.js';
import { RunRecorder, type EngineLogger } from './run-recorder.js';
import { LOST_REASON, resumeFrom } from './run-resume.js';
import { runPlan } from './run-plan.js';
import { carriedOverJobs } from './run-retry.js';
import type { RunObserver, RunResume } from './run-options.js';

export interface RunExecutionContext {
  run: Run & { plan: Plan };
  project: Project;
  store: Pick<Store, 'runs' | 'logs'>;
  queue: JobQueue;
  /** Holds jobs that deploy to a protected environment until a person decides. */
  approvals: ApprovalGate;
  clock: Clock;
  logger: EngineLogger;
  signal: AbortSignal;
  /** Continue a run found `running` at start (the server stopped during it). */
  resume: boolean;
  /** Told after each stored write about the run (RunServiceOptions.onRunChanged). */
  onChanged?: (runId: number) => void;
  /** Told about queue waits and attempt ends (RunServiceOptions.observer). */
  observer?: RunObserver;
  /** The secrets of each job attempt (RunServiceOptions.jobSecrets); none without it. */
  jobSecrets?: JobSecretsSource;
}

/**
 * Decrypts what one job attempt may see (only the secrets it references) just before it is
 * queued. A rejection ends the attempt `error` with the reason (e.g. a secret that cannot be decrypted).
 */
export type JobSecretsSource = (run: Run & { plan: Plan }, project: Project, job: PlanJob) => Promise<JobSecrets>;

export interface RunExecution {
  recorder: RunRecorder;
  /** Resolves when the run finished and everything about it is stored. */
  done: Promise<void>;
}

/**
 * Executes one stored run in this process: the engine's state machine (`runPlan`) with an executor
 * that queues each job attempt for an agent (the JobQueue) and a recorder that stores every
 * transition. On resume, stored results are given back to the engine and lost attempts settled first.
 */
export async function startRunExecution(ctx: RunExecutionContext): Promise<RunExecution> {
  const { run, store, clock } = ctx;
  // The intake may have recorded the jobs already (skipped ones with their compile-time reason).
  const stored = await store.runs.listJobs(run.id);
  const known = ctx.resume ? stored : stored.filter((job) => isFinal(job.status));
  const recorder = new RunRecorder({
    runs: store.runs, runId: run.id, logger: ctx.logger, now: () => clock.now(), knownJobs: known.map((j) => j.jobId),
    ...(ctx.onChanged && { onChanged: ctx.onChanged }),
  });
  let resume: RunResume | undefined;
  if (ctx.resume) {
    const resumed = resumeFrom(run.plan, stored);
    resume = resumed.resume;
    for (const lost of resumed.lost) {
      if (lost.final) recorder.job({ jobId: lost.jobId, status: 'error', reason: LOST_REASON, finishedAt: clock.now() });
      else recorder.job({ jobId: lost.jobId, status: 'queued', attempt: lost.attempt + 1, reason: `retrying: attempt ${lost.attempt} was running when the server stopped`, queuedAt: clock.now() });
    }
    ctx.logger.info({ runId: run.id, ended: resume.ended.size, lost: resumed.lost }, 'resuming run');
  } else {
    // A failed-only retry stored the jobs it carries over: they are ended results, not run again.
    const carried = carriedOverJobs(run.plan, stored);
    if (carried.size > 0) resume = { ended: carried };
  }
  const done = runPlan(run.plan, {
    executor: queueExecutor(ctx, recorder),
    parallel: Math.max(1, run.plan.jobs.length),
    onEvent: recorder.onEvent,
    signal: ctx.signal,
    clock,
    ...(resume ? { resume } : {}),
  }).then(
    () => recorder.flush(),
    async (err: unknown) => {
      ctx.logger.error({ err, runId: run.id }, 'run failed inside the engine');
      await recorder.flush();
      await store.runs.update(run.id, { status: 'error', reason: `engine fault: ${(err as Error).message}` }, { ifStatus: ['running'] });
      ctx.onChanged?.(run.id);
    },
  );
  return { recorder, done };
}

function queueExecutor(ctx: RunExecutionContext, recorder: RunRecorder): JobExecutor {
  const { run, project, store, queue } = ctx;
  const graph = buildJobGraph(run.plan.jobs);
  const rank = new Map(run.plan.jobs.map((job, i) => [job.id, graph.priority[i] ?? 0]));
  const checkout: CheckoutSpec = { projectId: project.id, projectName: project.name, repoUrl: project.repoUrl, sha: run.sha };
  const classOf = (job: PlanJob) => priorityClassOf({ kind: run.trigger.kind, branch: run.branch, defaultBranch: project.defaultBranch, job });
  return {
    async runJob(job, input, signal) {
      const environment = protectedEnvironmentOf(job, project);
      if (environment !== undefined) {
        const held = await holdForApproval(ctx, recorder, job.id, environment, signal);
        if (held) return held;
      }
      const logSeq = await store.logs.lastSeq(run.id, job.id);
      // Read per attempt, after any approval: a retry sees a secret changed in between.
      const secrets = await ctx.jobSecrets?.(run, project, job);
      const timing = timeAttempt(ctx);
      const outcome = await queue.enqueue(
        {
          runId: run.id,
          projectId: project.id,
          plan: run.plan,
          job,
          attempt: input.attempt,
          needs: input.needs,
          ...(job.checkout ? { checkout } : {}),
          logSeq,
          ...(secrets && { secrets }),
          priorityClass: classOf(job),
          projectPriority: project.settings.priority,
          rank: rank.get(job.id) ?? 0,
          hooks: {
            onLeased: (agentId) => {
              timing.leased();
              recorder.jobLeased(job.id, agentId);
            },
            onReleased: () => recorder.job({ jobId: job.id, status: 'queued', startedAt: null }),
            onReason: (reason) => recorder.jobReason(job.id, reason),
            // What the agent is told is stored must be durable: answer after the group commit.
            onStep: (event) => {
              input.report(event);
              return recorder.flush();
            },
            // The engine records the job's end in the microtasks after the outcome resolves; one
            // setImmediate later that write is queued, and flush covers it.
            onDone: () => new Promise<void>((resolve) => setImmediate(resolve)).then(() => recorder.flush()),
          },
        },
        signal,
      );
      timing.ended(outcome.status);
      return outcome;
    },
  };
}

/** Tells the observer how long one attempt waited in the queue and, once an agent held it, ran. */
function timeAttempt(ctx: RunExecutionContext): { leased(): void; ended(status: Status): void } {
  const { observer, clock } = ctx;
  const queuedAt = clock.now();
  let leasedAt: number | undefined;
  const tell = (call: (o: RunObserver) => void) => {
    if (!observer) return;
    try {
      call(observer);
    } catch {
      // Metrics must not fail a job.
    }
  };
  return {
    leased() {
      const now = clock.now();
      leasedAt = now;
      tell((o) => o.jobLeased?.(now - queuedAt));
    },
    ended(status) {
      if (leasedAt === undefined) return;
      const ran = clock.now() - leasedAt;
      tell((o) => o.attemptEnded?.(status, ran));
    },
  };
}

/**
 * Waits at the approval gate: undefined when approved (the job goes on to the queue), else the
 * job's outcome — `failure` (never retried) when rejected, `canceled` when the run was canceled.
 */
async function holdForApproval(ctx: RunExecutionContext, recorder: RunRecorder, jobId: string, environment: string, signal: AbortSignal): Promise<JobOutcome | undefined> {
  const approval = await ctx.approvals.wait(ctx.run.id, jobId, environment, signal, () =>
    recorder.job({ jobId, status: 'waiting', reason: approvalReason(environment) }),
  );
  if (!approval) return { status: 'canceled', outputs: {}, reason: typeof signal.reason === 'string' ? signal.reason : 'canceled while waiting for approval' };
  const why = approval.comment ? `: ${approval.comment}` : '';
  if (approval.decision === 'rejected') {
    return { status: 'failure', outputs: {}, noRetry: true, reason: `rejected by ${approval.actor} (environment ${environment})${why}` };
  }
  ctx.logger.info({ runId: ctx.run.id, job: jobId, environment, actor: approval.actor }, 'job approved');
  recorder.job({ jobId, status: 'queued', reason: `approved by ${approval.actor}${why}` });
  return undefined;
}
