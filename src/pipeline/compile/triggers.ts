import picomatch from 'picomatch';
import type { EventName, GitEvent } from '../event.js';
import type { PipelineFile } from '../schema.js';

/**
 * Does an event match the file's `on`? Pure; the answer carries a sentence for people
 * (`gantry plan`, skip reasons) saying which filter decided.
 *
 * - `on` omitted: push, pull_request, tag, manual and api run; cron needs named schedules.
 * - `on: push` / `on: [push, tag]`: those events, unfiltered (`cron` in a list matches any schedule).
 * - map form: a present key (even `push:` with no value) enables the event; filters narrow it.
 *   Branch filters of pull_request match the BASE branch (the branch the request targets).
 *   Path filters use event.changedFiles; when that is unknown they pass.
 */
export interface TriggerMatch {
  matched: boolean;
  reason: string;
}

type On = NonNullable<PipelineFile['on']>;
type TriggerMap = Exclude<On, string | readonly string[]>;
type BranchFilter = NonNullable<TriggerMap['push']>;

const DEFAULT_EVENTS: readonly EventName[] = ['push', 'pull_request', 'tag', 'manual', 'api'];

// `**` crosses `/`, `*` does not; dot files are ordinary files in a repository.
const GLOB_OPTIONS = { dot: true } as const;

function list(values: readonly string[]): string {
  return `[${values.join(', ')}]`;
}

function anyMatch(value: string, globs: readonly string[]): boolean {
  return globs.some((glob) => picomatch.isMatch(value, glob, GLOB_OPTIONS));
}

/** `event push on branch 'main'`, `event tag 'v1'` … used at the start of every reason. */
export function describeEvent(event: GitEvent): string {
  switch (event.name) {
    case 'push':
      return `event push on branch '${event.branch ?? ''}'`;
    case 'pull_request':
      return `event pull_request from '${event.branch ?? ''}' into '${event.baseBranch ?? ''}'`;
    case 'tag':
      return `event tag '${event.tag ?? ''}'`;
    case 'cron':
      return `event cron '${event.cronName ?? ''}'`;
    default:
      return `event ${event.name}`;
  }
}

export function matchTrigger(on: PipelineFile['on'], event: GitEvent): TriggerMatch {
  const what = describeEvent(event);
  if (on === undefined) {
    if (DEFAULT_EVENTS.includes(event.name)) return { matched: true, reason: `${what} runs by default (no on:)` };
    return { matched: false, reason: `${what}: cron runs only for schedules listed under on.cron` };
  }
  if (typeof on === 'string' || Array.isArray(on)) {
    const names: readonly string[] = typeof on === 'string' ? [on] : on;
    if (names.includes(event.name)) return { matched: true, reason: `${what} matches on: ${list(names)}` };
    return { matched: false, reason: `${what} is not listed in on: ${list(names)}` };
  }
  return matchMap(on as TriggerMap, event, what);
}

function matchMap(on: TriggerMap, event: GitEvent, what: string): TriggerMatch {
  const listed = Object.keys(on);
  if (!(event.name in on)) return { matched: false, reason: `${what} is not listed in on: ${list(listed)}` };
  switch (event.name) {
    case 'push':
      return matchBranchFilter(on.push ?? {}, 'push', event.branch ?? '', event, what);
    case 'pull_request':
      return matchBranchFilter(on.pull_request ?? {}, 'pull_request', event.baseBranch ?? '', event, what);
    case 'tag': {
      const patterns = on.tag?.patterns;
      if (patterns && !anyMatch(event.tag ?? '', patterns)) {
        return { matched: false, reason: `${what} does not match on.tag.patterns ${list(patterns)}` };
      }
      return { matched: true, reason: patterns ? `${what} matches on.tag.patterns ${list(patterns)}` : `${what} matches on.tag` };
    }
    case 'cron': {
      const names = (on.cron ?? []).map((entry) => entry.name);
      if (event.cronName !== undefined && names.includes(event.cronName)) {
        return { matched: true, reason: `${what} matches on.cron` };
      }
      return { matched: false, reason: `${what} is not a schedule of on.cron ${list(names)}` };
    }
    default:
      return { matched: true, reason: `${what} matches on.${event.name}` };
  }
}

function matchBranchFilter(
  filter: BranchFilter,
  key: 'push' | 'pull_request',
  branch: string,
  event: GitEvent,
  what: string,
): TriggerMatch {
  if (filter.branches && !anyMatch(branch, filter.branches)) {
    return { matched: false, reason: `${what} does not match on.${key}.branches ${list(filter.branches)}` };
  }
  if (filter.branches_ignore && anyMatch(branch, filter.branches_ignore)) {
    return { matched: false, reason: `${what} matches on.${key}.branches_ignore ${list(filter.branches_ignore)}` };
  }
  const paths = matchPaths(filter, key, event.changedFiles);
  if (paths) return { matched: false, reason: `${what}: ${paths}` };
  const used = (['branches', 'branches_ignore', 'paths', 'paths_ignore'] as const).filter((f) => filter[f] !== undefined);
  return {
    matched: true,
    reason: used.length ? `${what} matches on.${key} (${used.join(', ')})` : `${what} matches on.${key}`,
  };
}

/** Why path filters reject the change, or undefined when they pass. */
function matchPaths(filter: BranchFilter, key: string, changed: readonly string[] | undefined): string | undefined {
  if (changed === undefined || (!filter.paths && !filter.paths_ignore)) return undefined;
  // Like GitHub Actions: ignored files are dropped first; the rest must be non-empty and, with
  // `paths`, at least one of them must match.
  const kept = filter.paths_ignore ? changed.filter((file) => !anyMatch(file, filter.paths_ignore!)) : changed;
  if (filter.paths_ignore && kept.length === 0) {
    return changed.length === 0
      ? `no files changed (on.${key}.paths_ignore ${list(filter.paths_ignore)})`
      : `every changed file matches on.${key}.paths_ignore ${list(filter.paths_ignore)}`;
  }
  if (filter.paths && !kept.some((file) => anyMatch(file, filter.paths!))) {
    return `no changed file matches on.${key}.paths ${list(filter.paths)}`;
  }
  return undefined;
}
