import type { Forge } from './forge.js';
import { GENERIC_EVENT, parseGeneric } from './generic.js';
import { firstHeader, header, type WebhookHeaders } from './headers.js';
import { parseGithubStylePullRequest, parseGithubStylePush, type GithubStyleContext } from './parse-github-style.js';
import { parseGitlab } from './parse-gitlab.js';
import { derivedDeliveryId, type ParsedWebhook } from './webhook-event.js';

/**
 * Turns an authenticated delivery into one event model. Call only after `verifyWebhook` accepted the
 * raw body; `body` is that body parsed as JSON. Pure: no I/O, no clock.
 *
 * Headers read (case-insensitive):
 *   github   X-GitHub-Event, X-GitHub-Delivery
 *   gitea    X-Gitea-Event (or X-Forgejo-Event, X-Gogs-Event), X-Gitea-Delivery (or X-Forgejo-Delivery)
 *   gitlab   X-Gitlab-Event, Idempotency-Key (same across retries) or X-Gitlab-Event-UUID
 *   generic  X-Gantry-Event (default push), X-Gantry-Delivery
 * A delivery without an id gets one derived from its payload (see derivedDeliveryId).
 */
const EVENT_HEADERS: Record<Forge, readonly string[]> = {
  github: ['X-GitHub-Event'],
  gitea: ['X-Gitea-Event', 'X-Forgejo-Event', 'X-Gogs-Event'],
  gitlab: ['X-Gitlab-Event'],
  generic: ['X-Gantry-Event'],
};

const DELIVERY_HEADERS: Record<Forge, readonly string[]> = {
  github: ['X-GitHub-Delivery'],
  gitea: ['X-Gitea-Delivery', 'X-Forgejo-Delivery', 'X-Gogs-Delivery'],
  gitlab: ['Idempotency-Key', 'X-Gitlab-Event-UUID'],
  generic: ['X-Gantry-Delivery'],
};

const GITHUB_PR_BUILD = new Set(['opened', 'synchronize', 'reopened']);
const GITEA_PR_BUILD = new Set(['opened', 'synchronized', 'reopened']);

function single(headers: WebhookHeaders, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = header(headers, name)?.trim();
    if (value) return value;
  }
  return undefined;
}

/** The delivery id the forge sent, or one derived from the body. */
export function deliveryIdOf(forge: Forge, headers: WebhookHeaders, body: unknown): string {
  return single(headers, DELIVERY_HEADERS[forge]) ?? derivedDeliveryId(forge, body);
}

/** The forge's name for the event (`push`, `Merge Request Hook`…), or '' when the header is missing. */
export function forgeEventOf(forge: Forge, headers: WebhookHeaders): string {
  if (forge === 'generic') return single(headers, EVENT_HEADERS.generic) ?? GENERIC_EVENT;
  return firstHeader(headers, EVENT_HEADERS[forge])?.values[0]?.trim() ?? '';
}

export function parseWebhook(forge: Forge, headers: WebhookHeaders, body: unknown): ParsedWebhook {
  const deliveryId = deliveryIdOf(forge, headers, body);
  const forgeEvent = forgeEventOf(forge, headers);
  if (forgeEvent === '') {
    return { kind: 'invalid', deliveryId, forgeEvent, reason: `missing ${EVENT_HEADERS[forge].join(' or ')} header` };
  }
  switch (forge) {
    case 'generic':
      return parseGeneric(forgeEvent, body, deliveryId);
    case 'gitlab':
      return parseGitlab(forgeEvent, body, deliveryId);
    case 'github':
    case 'gitea': {
      const ctx: GithubStyleContext =
        forge === 'github'
          ? { deliveryId, forgeEvent, buildActions: GITHUB_PR_BUILD }
          : { deliveryId, forgeEvent, buildActions: GITEA_PR_BUILD, totalCommitsField: 'total_commits' };
      if (forgeEvent === 'ping') return { kind: 'ping', deliveryId, forgeEvent };
      if (forgeEvent === 'push') return parseGithubStylePush(body, ctx);
      if (forgeEvent === 'pull_request') return parseGithubStylePullRequest(body, ctx);
      return { kind: 'ignored', deliveryId, forgeEvent, reason: `${forge} event '${forgeEvent}' does not start runs` };
    }
  }
}
