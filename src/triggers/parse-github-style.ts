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
 * GitHub's push and pull_request payloads, which Gitea and Forgejo copy field for field (with a few
 * differences passed in as options: Gitea says `synchronized` where GitHub says `synchronize`, and
 * reports `total_commits` so a truncated commit list can be recognised).
 */
export interface GithubStyleContext {
  deliveryId: string;
  forgeEvent: string;
  /** Payload field with the real number of pushed commits, when the forge sends one. */
  totalCommitsField?: string;
  /** pull_request actions that mean "the head may have new commits: build it". */
  buildActions: ReadonlySet<string>;
}

export function parseGithubStylePush(body: unknown, ctx: GithubStyleContext): ParsedWebhook {
  const { deliveryId, forgeEvent } = ctx;
  const payload = obj(body);
  const ref = str(payload?.ref);
  const before = str(payload?.before);
  const after = str(payload?.after);
  if (payload === undefined || !ref || !isSha(before) || !isSha(after)) {
    return { kind: 'invalid', deliveryId, forgeEvent, reason: 'push payload needs ref, before and after' };
  }
  const target = classifyRef(ref);
  if (target.kind === 'other') return { kind: 'ignored', deliveryId, forgeEvent, reason: `ref ${ref} is not a branch or tag` };
  if (payload.deleted === true || isZeroSha(after)) return { kind: 'ignored', deliveryId, forgeEvent, reason: `${target.kind} deleted` };

  const repository = obj(payload.repository);
  const head = obj(payload.head_commit);
  const headId = str(head?.id);
  const event: GitEvent =
    target.kind === 'branch'
      ? { name: 'push', branch: target.name, sha: after }
      : // For an annotated tag `after` names the tag object; head_commit is the commit it points to.
        { name: 'tag', tag: target.name, sha: isSha(headId) ? headId : after };
  const message = str(head?.message);
  if (message !== undefined) event.message = message;
  const author = authorOf(head?.author);
  if (author !== undefined) event.author = author;
  const repoName = nonEmpty(repository?.full_name);
  if (repoName !== undefined) event.repository = repoName;
  if (target.kind === 'branch') {
    const total = ctx.totalCommitsField === undefined ? undefined : payload[ctx.totalCommitsField];
    const files = changedFilesOf(payload.commits, total);
    if (files !== undefined) event.changedFiles = files;
  }
  const cloneUrl = nonEmpty(repository?.clone_url);
  return { kind: 'event', deliveryId, forgeEvent, event, ref, before, after, deleted: false, ...(cloneUrl ? { cloneUrlFromPayload: cloneUrl } : {}) };
}

function repoKey(repo: Record<string, unknown> | undefined): string | undefined {
  if (repo === undefined) return undefined;
  const id = repo.id;
  if (typeof id === 'number' || typeof id === 'string') return `id:${id}`;
  return nonEmpty(repo.full_name);
}

export function parseGithubStylePullRequest(body: unknown, ctx: GithubStyleContext): ParsedWebhook {
  const { deliveryId, forgeEvent } = ctx;
  const payload = obj(body);
  const action = str(payload?.action) ?? '';
  const pr = obj(payload?.pull_request);
  const head = obj(pr?.head);
  const base = obj(pr?.base);
  const headRef = nonEmpty(head?.ref);
  const headSha = str(head?.sha);
  const baseRef = nonEmpty(base?.ref);
  if (payload === undefined || pr === undefined || !headRef || !isSha(headSha) || !baseRef) {
    return { kind: 'invalid', deliveryId, forgeEvent, reason: 'pull_request payload needs pull_request.head.ref/sha and pull_request.base.ref' };
  }
  if (!ctx.buildActions.has(action)) return { kind: 'ignored', deliveryId, forgeEvent, reason: `pull request action '${action}' does not build` };

  const headRepo = obj(head?.repo);
  const baseRepo = obj(base?.repo) ?? obj(payload.repository);
  // A head repository that is gone (deleted fork) is null: treat it as a fork, the safe side.
  const headKey = repoKey(headRepo);
  const fromFork = headKey === undefined || headKey !== repoKey(baseRepo);
  const event: GitEvent = { name: 'pull_request', branch: headRef, baseBranch: baseRef, sha: headSha, fromFork };
  const repoName = nonEmpty(obj(payload.repository)?.full_name);
  if (repoName !== undefined) event.repository = repoName;
  const number = pr.number ?? payload.number;
  if (typeof number === 'number') event.pullRequest = number;
  const ref = typeof number === 'number' ? `refs/pull/${number}/head` : `refs/heads/${headRef}`;
  const before = str(payload.before);
  const cloneUrl = nonEmpty(headRepo?.clone_url);
  return {
    kind: 'event',
    deliveryId,
    forgeEvent,
    event,
    ref,
    before: isSha(before) ? before : ZERO_SHA,
    after: headSha,
    deleted: false,
    ...(cloneUrl ? { cloneUrlFromPayload: cloneUrl } : {}),
  };
}
