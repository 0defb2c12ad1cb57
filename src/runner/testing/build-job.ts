import type { RunEventInput } from '../../core/index.js';
import type { Plan, PlanStep } from '../../pipeline/index.js';
import type { ImageBuilder } from '../image-builder.js';
import { createJobRunner } from '../job-runner.js';
import type { JobRunOutcome } from '../job-types.js';
import { LocalBackend } from '../local/local-backend.js';
import { makeJob, makePlan } from './fixtures.js';

/** A `build:` step as compile makes it; `build` is the step's `build:` map. */
export function buildStep(build: Record<string, unknown>, extra: Partial<PlanStep> = {}): Partial<PlanStep> {
  return { kind: 'build', name: 'build', with: build, ...extra };
}

export interface BuildJobOptions {
  /** The checkout the job's workspace is (checkout: true). */
  sourceDir: string;
  /** Undefined: the runner has no container engine. */
  imageBuilder: ImageBuilder | undefined;
  jobId?: string;
  plan?: Plan;
  secrets?: Record<string, string>;
  signal?: AbortSignal;
  onEvent?(event: RunEventInput): void;
}

export interface BuildJobRun {
  outcome: JobRunOutcome;
  events: RunEventInput[];
  /** `step:finished` of the build step (step 0). */
  finished: Extract<RunEventInput, { type: 'step:finished' }>;
  /** Every log line of the build step, any stream, in order. */
  log: string[];
}

/** Runs a one-step job through the real job runner: the local backend holds the workspace, `imageBuilder` builds. */
export async function runBuildJob(step: Partial<PlanStep>, options: BuildJobOptions): Promise<BuildJobRun> {
  const backend = new LocalBackend();
  const runner = createJobRunner({
    plan: options.plan ?? makePlan(),
    backend,
    secrets: options.secrets ?? {},
    hostEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    sourceDir: options.sourceDir,
    ...(options.imageBuilder !== undefined ? { imageBuilder: options.imageBuilder } : {}),
  });
  const events: RunEventInput[] = [];
  try {
    const outcome = await runner.runJob(
      makeJob([step], { id: options.jobId ?? 'build', checkout: true }),
      {
        attempt: 1,
        needs: {},
        report: (event) => {
          events.push(event);
          options.onEvent?.(event);
        },
      },
      options.signal ?? new AbortController().signal,
    );
    const finished = events.find((e) => e.type === 'step:finished' && e.step === 0);
    if (finished?.type !== 'step:finished') throw new Error('the build step did not finish');
    const log = events.flatMap((e) => (e.type === 'log' && e.step === 0 ? [e.line] : []));
    return { outcome, events, finished, log };
  } finally {
    await backend.close();
  }
}
