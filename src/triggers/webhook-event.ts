import { createHash } from 'node:crypto';
import type { GitEvent } from '../pipeline/index.js';

/**
 * What a webhook delivery means, whatever forge sent it.
 *
 * - `event`: start a run for `event` (push, tag or pull_request). `ref`/`before`/`after` are the raw
 *   ref update as the forge reported it; `event.sha` is the commit to build (for annotated tags the
 *   forge's peeled commit when it tells us, else `after`).
 * - `ping`: the forge checks the URL works; answer 2xx, start nothing.
 * - `ignored`: understood but not something Gantry builds (deleted branch, closed PR, issue…); 2xx.
 * - `invalid`: authenticated, but the body is not the payload this event promises; the server
 *   answers 400 so the sender sees it.
 *
 * `cloneUrlFromPayload` is for logs only: the project's configured clone URL is authoritative and a
 * payload never makes the server fetch from a URL it names.
 */
export type ParsedWebhook =
  | { kind: 'ping'; deliveryId: string; forgeEvent: string }
  | { kind: 'ignored'; deliveryId: string; forgeEvent: string; reason: string }
  | { kind: 'invalid'; deliveryId: string; forgeEvent: string; reason: string }
  | {
      kind: 'event';
      deliveryId: string;
      forgeEvent: string;
      event: GitEvent;
      ref: string;
      before: string;
      after: string;
      deleted: boolean;
      cloneUrlFromPayload?: string;
    };

export type WebhookEvent = Extract<ParsedWebhook, { kind: 'event' }>;

export const ZERO_SHA = '0000000000000000000000000000000000000000';

/** True for git's all-zero object name (40 for SHA-1, 64 for SHA-256 repositories). */
export function isZeroSha(sha: string): boolean {
  return /^0+$/.test(sha);
}

export function isSha(value: unknown): value is string {
  return typeof value === 'string' && /^([0-9a-f]{40}|[0-9a-f]{64})$/.test(value);
}

export type RefKind = { kind: 'branch'; name: string } | { kind: 'tag'; name: string } | { kind: 'other' };

export function classifyRef(ref: string): RefKind {
  if (ref.startsWith('refs/heads/') && ref.length > 'refs/heads/'.length) return { kind: 'branch', name: ref.slice('refs/heads/'.length) };
  if (ref.startsWith('refs/tags/') && ref.length > 'refs/tags/'.length) return { kind: 'tag', name: ref.slice('refs/tags/'.length) };
  return { kind: 'other' };
}

/**
 * When a forge sends no delivery id, one is derived from the payload itself, so a resent copy of the
 * same body still dedupes to the same id.
 */
export function derivedDeliveryId(forge: string, body: unknown): string {
  const hash = createHash('sha256').update(forge).update('\0').update(JSON.stringify(body) ?? '').digest('hex');
  return `derived-${hash.slice(0, 32)}`;
}

/** Small readers for untyped JSON: a payload is `unknown` until each field is checked. */
export function obj(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `Name <email>` like `git log --format='%an <%ae>'`, from a forge's author object. */
export function authorOf(author: unknown): string | undefined {
  const a = obj(author);
  const name = nonEmpty(a?.name) ?? nonEmpty(a?.username);
  const email = nonEmpty(a?.email);
  if (name && email) return `${name} <${email}>`;
  return name ?? email;
}

/**
 * Files touched by the pushed commits, or undefined when the payload cannot tell: no commit list, a
 * commit without file lists, or a list the forge truncated (`total` larger than what it sent). An
 * undefined list makes `paths` filters pass, which is safer than skipping a build on partial data.
 */
export function changedFilesOf(commits: unknown, total?: unknown): string[] | undefined {
  if (!Array.isArray(commits) || commits.length === 0) return undefined;
  if (typeof total === 'number' && total > commits.length) return undefined;
  const files = new Set<string>();
  for (const item of commits) {
    const commit = obj(item);
    if (commit === undefined) return undefined;
    for (const key of ['added', 'modified', 'removed'] as const) {
      const list = commit[key];
      if (!Array.isArray(list)) return undefined;
      for (const file of list) if (typeof file === 'string') files.add(file);
    }
  }
  return [...files].sort();
}
