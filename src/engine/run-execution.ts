import { isFinal, type Clock } from '../core/index.js';
import type { Plan, PlanJob } from '../pipeline/index.js';
import type { Project, Run, Store } from '../store/index.js';
import type { CheckoutSpec } from './agent-port.js';
import { buildJobGraph } from './critical-path.js';
import type { JobExecutor } from './executor.js';
import { priorityClassOf } from './queue/priority-class.js';
import type { JobQueue } from './queue/job-queue.js';
import { RunRecorder, type EngineLogger } from './run-recorder.js';
import { LOST_REASON, resumeFrom } from './run-resume.js';
import { runPlan } from './run-plan.js';
import { carriedOverJobs } from './run-retry.js';
import type { RunResume } from './run-options.js';

export interface RunExecutionContext {
  run: Run & { plan: Plan };
  project: Project;
  store: Pick<Store, 'runs' | 'logs'>;
  queue: JobQueue;
  clock: Clock;
  logger: EngineLogger;
  signal: AbortSignal;
  /** Continue a run found `running` at start (the server stopped during it). */
  resume: boolean;
  /** Told after each stored write about the run (RunServiceOptions.onRunChanged). */
  onChanged?: (runId: number) => void;
}

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
      const logSeq = await store.logs.lastSeq(run.id, job.id);
      return queue.enqueue(
        {
          runId: run.id,
          projectId: project.id,
          plan: run.plan,
          job,
          attempt: input.attempt,
          needs: input.needs,
          ...(job.checkout ? { checkout } : {}),
          logSeq,
          priorityClass: classOf(job),
          projectPriority: project.settings.priority,
          rank: rank.get(job.id) ?? 0,
          hooks: {
            onLeased: (agentId) => recorder.jobLeased(job.id, agentId),
            onReason: (reason) => recorder.jobReason(job.id, reason),
            onStep: (event) => input.report(event),
          },
        },
        signal,
      );
    },
  };
}
