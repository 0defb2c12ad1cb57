import type { Status } from '../core/index.js';
import type { GitEvent } from './event.js';

/**
 * The plan: the compiled, fully resolved form of a pipeline for one event. It is what agents
 * receive — never YAML. Strings in the plan that still contain `${{ }}` are *templates*: they are
 * evaluated exactly once, at run time, with the full context (needs outputs, secrets, step results).
 * Compile never splices a value into a template, so an outside value can never become an expression.
 */
export interface Plan {
  /** Pipeline file path as given (for messages). */
  file: string;
  event: GitEvent;
  /** Expression contexts fixed at compile time. */
  context: PlanContext;
  /** Whether the event matches the file's `on`; when not, every job carries a skip reason. */
  trigger: { matched: boolean; reason: string };
  /** Top-level `env` (templates). */
  env: Record<string, string>;
  failFast: boolean;
  concurrency?: { group: string; cancelInProgress: boolean };
  /** Every job of the file in file order, matrix expanded; jobs that will not run carry `skip`. */
  jobs: PlanJob[];
  /** `notify` entries as written (validated); later issues act on them. */
  notify: unknown[];
}

export interface PlanContext {
  git: GitContext;
  /**
   * Validated inputs with defaults applied, typed as declared (`type: boolean` → true/false), so
   * `if: inputs.dry_run` means the same at compile time and at run time.
   */
  inputs: Record<string, string | number | boolean>;
}

/** The `git` expression context. */
export interface GitContext {
  event: string;
  branch: string;
  base_branch: string;
  tag: string;
  ref: string;
  sha: string;
  sha_short: string;
  message: string;
  author: string;
  repository: string;
}

export type RetryOn = 'failure' | 'timeout' | 'infrastructure';

export interface RetryPolicy {
  /** Extra attempts after the first (0 = no retry). */
  max: number;
  /** Delay before the first retry; doubles for each further attempt. */
  backoffMs: number;
  on: RetryOn[];
}

export interface PlanJob {
  /** Unique in the plan: the job key, or `key (a: 1, b: x)` for a matrix instance. */
  id: string;
  /** The key under `jobs:` in the file. */
  key: string;
  /** Display name (`name:` if given, else id). */
  name: string;
  matrix?: Record<string, string | number | boolean>;
  /** Plan job ids this job waits for (a need on a matrix job means all of its instances). */
  needs: string[];
  /** Deferred `if` expression source, evaluated when the needs are done. Undefined = `success()`. */
  condition?: string;
  /** Set when compile already knows this job will not run, with the reason. */
  skip?: { reason: string };
  env: Record<string, string>;
  timeoutMs: number;
  retry: RetryPolicy;
  continueOnError: boolean;
  checkout: boolean;
  /** Explicit job outputs (templates over `steps.<id>.outputs`); step outputs are exposed too. */
  outputs: Record<string, string>;
  steps: PlanStep[];
  /**
   * `image`, `environment` and `runsOn` are already evaluated when they only use compile-time
   * contexts (matrix, inputs, git, env). `image` is the reference; `container` the rest of `image:`.
   */
  image?: string;
  /** Present exactly when `image` is. */
  container?: PlanContainer;
  services?: Record<string, PlanService>;
  cache?: PlanCache[];
  artifacts?: PlanArtifacts;
  environment?: string;
  runsOn: string[];
  /** 1-based line of the job in the pipeline file, for messages. */
  line: number;
}

export type PullPolicy = 'if-not-present' | 'always' | 'never';

/** Registry login; both are templates (the password is normally `${{ secrets.NAME }}`). */
export interface PlanCredentials {
  username: string;
  password: string;
}

export interface PlanContainer {
  pull: PullPolicy;
  credentials?: PlanCredentials;
  user?: string;
  privileged: boolean;
  cpus?: number;
  memoryBytes?: number;
}

export interface PlanService {
  image: string;
  /** Templates, evaluated at run time. */
  env: Record<string, string>;
  ports: number[];
  command?: string[];
  pull: PullPolicy;
  credentials?: PlanCredentials;
  health?: { cmd: string[]; intervalMs: number; timeoutMs: number };
}

export interface PlanCache {
  /** Template (typically with `hashFiles(...)`), evaluated after checkout. */
  key: string;
  /** Templates; tried in order as key prefixes when `key` has no exact entry. */
  fallbackKeys: string[];
  /** Relative to the workspace. */
  paths: string[];
}

export interface PlanArtifacts {
  /** Default: the job id. */
  name: string;
  /** Relative to the workspace; globs allowed. */
  paths: string[];
  /** Undefined: the server's default retention. */
  retentionMs?: number;
  /** Which job results keep the files; undefined: on_success. A canceled or timed-out job keeps none. */
  when?: ArtifactsWhen;
}

export type ArtifactsWhen = 'on_success' | 'on_failure' | 'always';

export type StepKind = 'run' | 'build' | 'deploy' | 'uses';

export interface PlanStep {
  index: number;
  /** `id:` of the step, for `steps.<id>.outputs`. */
  id?: string;
  name: string;
  kind: StepKind;
  /**
   * run steps: the script text with every `${{ expr }}` replaced by a reference to an environment
   * variable `GANTRY_EXPR_<n>` whose template is in `env`. The script text itself is never templated.
   */
  script?: string;
  /**
   * argv to run the script; the argument containing `{0}` gets the path of the script file the
   * runner writes (the script text never goes on a command line). bash →
   * `['bash','--noprofile','--norc','-eo','pipefail','{0}']`, sh → `['sh','-e','{0}']`, another
   * single word → `[word,'{0}']`, a custom command is split on spaces and contains `{0}`.
   */
  shell?: string[];
  /** build / deploy / uses configuration (templates inside), validated. */
  with?: Record<string, unknown>;
  uses?: string;
  env: Record<string, string>;
  condition?: string;
  timeoutMs?: number;
  workingDirectory?: string;
  continueOnError: boolean;
  line: number;
}

/** What a finished job hands to the jobs that need it (`needs.<id>.result/outputs`). */
export interface JobResultSummary {
  result: Status;
  outputs: Record<string, string>;
}
