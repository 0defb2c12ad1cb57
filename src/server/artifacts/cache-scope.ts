import type { GitEvent } from '../../pipeline/index.js';

/**
 * The event as far as cache scopes care. `pullRequest` is the forge's pull/merge request number,
 * when the event carries one.
 */
export type ScopedEvent = Pick<GitEvent, 'name' | 'branch' | 'tag' | 'sha'> & { readonly pullRequest?: number };

/**
 * Where a run's caches live (docs/artifacts.md). A run writes only to its own scope and reads its
 * own scope first, then the default branch's — so a pull request (even from a fork) can use the
 * default branch's caches but never replace them, and one pull request never sees another's.
 *
 * - push and the other events on a branch → `branch:<name>` (a run without a branch: the default branch)
 * - tag → `tag:<name>`
 * - pull request → `pr:<number>`; without a number, `pr:commit:<sha>` — a scope no other pull
 *   request shares, rather than one keyed by a branch name two forks could both use.
 */
export function cacheScopes(event: ScopedEvent, defaultBranch: string): { own: string; reads: string[] } {
  const own = ownScope(event, defaultBranch);
  const fallback = `branch:${defaultBranch}`;
  return { own, reads: own === fallback ? [own] : [own, fallback] };
}

function ownScope(event: ScopedEvent, defaultBranch: string): string {
  if (event.name === 'pull_request') {
    return event.pullRequest !== undefined ? `pr:${event.pullRequest}` : `pr:commit:${event.sha}`;
  }
  if (event.name === 'tag' && event.tag) return `tag:${event.tag}`;
  return `branch:${event.branch || defaultBranch}`;
}
