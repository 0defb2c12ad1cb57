/**
 * The event a plan is compiled for. Triggers (webhooks, cron, the CLI) build one of these; compile
 * reads it to apply `on` filters and to fill the `git` and `inputs` expression contexts.
 * Everything here except `name` may come from outside (branch names, messages): it reaches scripts
 * only as environment variables, never spliced into script text.
 */
export type EventName = 'push' | 'pull_request' | 'tag' | 'cron' | 'manual' | 'api';

export const EVENT_NAMES: readonly EventName[] = ['push', 'pull_request', 'tag', 'cron', 'manual', 'api'];

export interface GitEvent {
  name: EventName;
  /** Branch pushed to; for pull_request the head (source) branch. */
  branch?: string;
  /** pull_request only: the branch the request targets. Branch filters match it. */
  baseBranch?: string;
  tag?: string;
  /** Full commit sha (may be empty when not in a git checkout). */
  sha: string;
  message?: string;
  author?: string;
  repository?: string;
  /** Files changed by the event, for `paths` filters. Undefined = unknown: path filters pass. */
  changedFiles?: readonly string[];
  /** cron only: the schedule's name. */
  cronName?: string;
  /** manual/api: inputs given by the caller (validated against `on.manual.inputs`). */
  inputs?: Readonly<Record<string, string>>;
  /** pull_request only: the request comes from a fork (no secrets are given to its runs). */
  fromFork?: boolean;
  /** pull_request only: the forge's request number (GitHub/Gitea number, GitLab iid). */
  pullRequest?: number;
}
