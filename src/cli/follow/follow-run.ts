import type { ApiClient, RunDetailView } from '../../api-client/index.js';
import type { RunEvent, RunEventInput } from '../../core/index.js';
import type { Reporter } from '../render/reporter.js';
import { SnapshotEvents } from './snapshot-events.js';

export interface FollowRunOptions {
  api: ApiClient;
  project: string;
  number: number;
  reporter: Reporter;
  /** Stops following (Ctrl-C); the run goes on on the server. */
  signal: AbortSignal;
}

/**
 * Follows a run on the server until it ends and shows it through a local Reporter (tree, lines or
 * --json, as `gantry exec`): the run's state from its live stream, each started job's log from its
 * log stream. Resolves with the final run, or undefined when stopped by `signal`.
 *
 * Order: a step's `step:finished` is held until a log line of a later step arrives or the job's
 * log has ended, so the step's last lines print before it is marked done; `job:finished` waits for
 * the job's whole log. Events then go out with local seq/ts like the engine's.
 */
export async function followRun(options: FollowRunOptions): Promise<RunDetailView | undefined> {
  const { api, project, number, reporter, signal } = options;
  const translate = new SnapshotEvents();
  const jobs = new Map<string, JobLog>();
  let seq = 0;
  const emit = (input: RunEventInput) => reporter.event({ ...input, seq: ++seq, ts: Date.now() } as RunEvent);

  const release = (job: JobLog) => {
    while (job.held.length > 0) {
      const head = job.held[0]!;
      if (head.type === 'step:finished' && !job.ended && job.lastStep <= head.step) return;
      job.held.shift();
      emit(head);
    }
  };

  const startLog = (jobId: string): JobLog => {
    const job: JobLog = { held: [], lastStep: -1, ended: false, done: Promise.resolve() };
    job.done = (async () => {
      try {
        for await (const event of api.runs.follow(project, number, jobId, { signal })) {
          if (event.type === 'end') break;
          const step = event.line.step ?? -1;
          if (step > job.lastStep) {
            job.lastStep = step;
            release(job);
          }
          emit({ type: 'log', job: jobId, step, stream: event.line.stream, line: event.line.line });
        }
      } finally {
        job.ended = true;
        release(job);
      }
    })();
    jobs.set(jobId, job);
    return job;
  };

  let final: RunDetailView | undefined;
  for await (const event of api.runs.watch(project, number, { signal })) {
    for (const input of translate.next(event.run)) {
      if (input.type === 'run:started' || input.type === 'job:skipped' || input.type === 'run:finished') {
        if (input.type === 'run:finished') await Promise.all([...jobs.values()].map((j) => j.done));
        emit(input);
        continue;
      }
      const job = jobs.get(input.job) ?? startLog(input.job);
      if (input.type === 'job:finished') {
        await job.done;
        release(job);
        emit(input);
        continue;
      }
      job.held.push(input);
      release(job);
    }
    if (event.type === 'end') final = event.run;
  }
  return final;
}

interface JobLog {
  /** Step events not shown yet, in order. */
  held: RunEventInput[];
  /** Highest step index a log line came from. */
  lastStep: number;
  /** The job's log has ended (or following stopped). */
  ended: boolean;
  done: Promise<void>;
}
