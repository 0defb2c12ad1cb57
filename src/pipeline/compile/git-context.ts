import type { GitEvent } from '../event.js';
import type { GitContext } from '../plan.js';

/** The `git` expression context for an event; absent values are '' so expressions never see null. */
export function gitContext(event: GitEvent): GitContext {
  const branch = event.branch ?? '';
  const tag = event.tag ?? '';
  let ref = '';
  if (event.name === 'tag' && tag) ref = `refs/tags/${tag}`;
  else if (branch) ref = `refs/heads/${branch}`;
  else if (tag) ref = `refs/tags/${tag}`;
  return {
    event: event.name,
    branch,
    base_branch: event.baseBranch ?? '',
    tag,
    ref,
    sha: event.sha,
    sha_short: event.sha.slice(0, 7),
    message: event.message ?? '',
    author: event.author ?? '',
    repository: event.repository ?? '',
  };
}
