import type { RunEventInput } from '../../core/index.js';
import type { JobResultSummary, Plan, PlanJob, PlanStep } from '../../pipeline/index.js';
import { createJobRunner } from '../job-runner.js';
import type { JobRunnerOptions } from '../job-types.js';
import type { JobRunOutcome } from '../job-types.js';
import { LocalBackend } from '../local/local-backend.js';

/** A run step with sensible defaults (bash, stop at first error). */
export function step(script: string, extra: Partial<PlanStep> = {}): Partial<PlanStep> {
  return { kind: 'run', script, ...extra };
}

export function makeJob(steps: Partial<PlanStep>[], extra: Partial<PlanJob> = {}): PlanJob {
  return {
    id: 'test',
    key: 'test',
    name: 'test',
    needs: [],
    env: {},
    timeoutMs: 60_000,
    retry: { max: 0, backoffMs: 0, on: [] },
    continueOnError: false,
    checkout: false,
    outputs: {},
    runsOn: [],
    line: 1,
    ...extra,
    steps: steps.map((s, index) => ({
      index,
      name: s.name ?? `step ${index}`,
      kind: 'run',
      shell: ['bash', '--noprofile', '--norc', '-eo', 'pipefail', '{0}'],
      env: {},
      continueOnError: false,
      line: index + 2,
      ...s,
    })),
  };
}

export function makePlan(extra: Partial<Plan> = {}): Plan {
  return {
    file: '.gantry.yml',
    event: { name: 'push', branch: 'main', sha: 'abc123def' },
    context: {
      git: {
        event: 'push',
        branch: 'main',
        base_branch: '',
        tag: '',
        ref: 'refs/heads/main',
        sha: 'abc123def',
        sha_short: 'abc123d',
        message: 'msg',
        author: 'me',
        repository: 'repo',
      },
      inputs: { target: 'staging' },
    },
    trigger: { matched: true, reason: '' },
    env: {},
    failFast: false,
    jobs: [],
    notify: [],
    ...extra,
  };
}

export interface Recorded {
  outcome: JobRunOutcome;
  events: RunEventInput[];
  /** status of each step by index */
  statuses: Record<number, string>;
  /** stdout/stderr/system lines of a step */
  lines(step: number, stream?: 'stdout' | 'stderr' | 'system'): string[];
  finished(step: number): Extract<RunEventInput, { type: 'step:finished' }>;
}

export interface RunOptions extends Partial<Omit<JobRunnerOptions, 'backend'>> {
  signal?: AbortSignal;
  needs?: Record<string, JobResultSummary>;
  onEvent?: (event: RunEventInput) => void;
}

export async function runJob(job: PlanJob, options: RunOptions = {}): Promise<Recorded> {
  const events: RunEventInput[] = [];
  const backend = new LocalBackend();
  const runner = createJobRunner({
    plan: options.plan ?? makePlan(),
    backend,
    secrets: options.secrets ?? {},
    hostEnv: options.hostEnv ?? { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    killGraceMs: options.killGraceMs ?? 200,
    ...(options.sourceDir !== undefined ? { sourceDir: options.sourceDir } : {}),
  });
  const outcome = await runner.runJob(
    job,
    {
      attempt: 1,
      needs: options.needs ?? {},
      report: (event) => {
        events.push(event);
        options.onEvent?.(event);
      },
    },
    options.signal ?? new AbortController().signal,
  );
  await backend.close();
  const statuses: Record<number, string> = {};
  for (const e of events) if (e.type === 'step:finished') statuses[e.step] = e.status;
  return {
    outcome,
    events,
    statuses,
    lines: (stepIndex, stream = 'stdout') =>
      events.flatMap((e) => (e.type === 'log' && e.step === stepIndex && e.stream === stream ? [e.line] : [])),
    finished: (stepIndex) => {
      const found = events.find((e) => e.type === 'step:finished' && e.step === stepIndex);
      if (!found || found.type !== 'step:finished') throw new Error(`step ${stepIndex} did not finish`);
      return found;
    },
  };
}
