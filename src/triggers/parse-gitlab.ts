import type { GitEvent } from '../pipeline/index.js';
import {
  authorOf,
  changedFilesOf,
  classifyRef,
  isSha,
  isZeroSha,
  nonEmpty,
  obj,
  str,
  ZERO_SHA,
  type ParsedWebhook,
} from './webhook-event.js';

/**
 * GitLab project webhooks: `Push Hook`, `Tag Push Hook` and `Merge Request Hook` (header
 * X-Gitlab-Event). GitLab has no ping: its "Test" button sends a real payload of the chosen kind.
 */
const MR_BUILD_ACTIONS = new Set(['open', 'reopen', 'update']);

function parsePush(body: unknown, deliveryId: string, forgeEvent: string): ParsedWebhook {
  const payload = obj(body);
  const ref = str(payload?.ref);
  const before = str(payload?.before);
  const after = str(payload?.after);
  if (payload === undefined || !ref || !isSha(before) || !isSha(after)) {
    return { kind: 'invalid', deliveryId, forgeEvent, reason: `${forgeEvent} payload needs ref, before and after` };
  }
  const target = classifyRef(ref);
  if (target.kind === 'other') return { kind: 'ignored', deliveryId, forgeEvent, reason: `ref ${ref} is not a branch or tag` };
  if (isZeroSha(after)) return { kind: 'ignored', deliveryId, forgeEvent, reason: `${target.kind} deleted` };

  // checkout_sha is the commit the ref ends at (peeled for annotated tags, where `after` is the tag object).
  const checkout = str(payload.checkout_sha);
  const sha = isSha(checkout) ? checkout : after;
  const commits = Array.isArray(payload.commits) ? payload.commits : [];
  const head = obj(commits.find((c) => obj(c)?.id === sha));
  const event: GitEvent = target.kind === 'branch' ? { name: 'push', branch: target.name, sha } : { name: 'tag', tag: target.name, sha };
  const message = str(head?.message);
  if (message !== undefined) event.message = message;
  const author = authorOf(head?.author);
  if (author !== undefined) event.author = author;
  const project = obj(payload.project);
  const repoName = nonEmpty(project?.path_with_namespace);
  if (repoName !== undefined) event.repository = repoName;
  if (target.kind === 'branch') {
    const files = changedFilesOf(payload.commits, payload.total_commits_count);
    if (files !== undefined) event.changedFiles = files;
  }
  const cloneUrl = nonEmpty(project?.git_http_url) ?? nonEmpty(obj(payload.repository)?.git_http_url);
  return { kind: 'event', deliveryId, forgeEvent, event, ref, before, after, deleted: false, ...(cloneUrl ? { cloneUrlFromPayload: cloneUrl } : {}) };
}

function parseMergeRequest(body: unknown, deliveryId: string, forgeEvent: string): ParsedWebhook {
  const payload = obj(body);
  const attrs = obj(payload?.object_attributes);
  const action = str(attrs?.action) ?? '';
  const source = nonEmpty(attrs?.source_branch);
  const target = nonEmpty(attrs?.target_branch);
  const lastCommit = obj(attrs?.last_commit);
  const sha = str(lastCommit?.id);
  if (attrs === undefined || !source || !target || !isSha(sha)) {
    return { kind: 'invalid', deliveryId, forgeEvent, reason: 'merge request payload needs object_attributes.source_branch, target_branch and last_commit.id' };
  }
  if (!MR_BUILD_ACTIONS.has(action)) return { kind: 'ignored', deliveryId, forgeEvent, reason: `merge request action '${action}' does not build` };
  // `update` also fires for title, label and assignee edits; GitLab sets `oldrev` only when new
  // commits arrived, and only those need a build.
  const oldrev = str(attrs.oldrev);
  if (action === 'update' && !isSha(oldrev)) {
    return { kind: 'ignored', deliveryId, forgeEvent, reason: 'merge request updated without new commits' };
  }
  const fromFork = attrs.source_project_id !== attrs.target_project_id;
  const event: GitEvent = { name: 'pull_request', branch: source, baseBranch: target, sha, fromFork };
  const message = str(lastCommit?.message);
  if (message !== undefined) event.message = message;
  const author = authorOf(lastCommit?.author);
  if (author !== undefined) event.author = author;
  const repoName = nonEmpty(obj(attrs.target)?.path_with_namespace) ?? nonEmpty(obj(payload?.project)?.path_with_namespace);
  if (repoName !== undefined) event.repository = repoName;
  const iid = attrs.iid;
  if (typeof iid === 'number') event.pullRequest = iid;
  const ref = typeof iid === 'number' ? `refs/merge-requests/${iid}/head` : `refs/heads/${source}`;
  const cloneUrl = nonEmpty(obj(attrs.source)?.git_http_url);
  return {
    kind: 'event',
    deliveryId,
    forgeEvent,
    event,
    ref,
    before: isSha(oldrev) ? oldrev : ZERO_SHA,
    after: sha,
    deleted: false,
    ...(cloneUrl ? { cloneUrlFromPayload: cloneUrl } : {}),
  };
}

export function parseGitlab(forgeEvent: string, body: unknown, deliveryId: string): ParsedWebhook {
  switch (forgeEvent) {
    case 'Push Hook':
    case 'Tag Push Hook':
      return parsePush(body, deliveryId, forgeEvent);
    case 'Merge Request Hook':
      return parseMergeRequest(body, deliveryId, forgeEvent);
    default:
      return { kind: 'ignored', deliveryId, forgeEvent, reason: `GitLab event '${forgeEvent}' does not start runs` };
  }
}
