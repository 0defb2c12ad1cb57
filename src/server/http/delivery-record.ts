import type { IncomingHttpHeaders } from 'node:http';

/**
 * What of a webhook request is kept in the delivery record. Signatures, tokens and credentials are
 * dropped (a stored GitLab token would BE the secret; a stored HMAC would help no one), header names
 * are lowercased and repeated values joined.
 */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-hub-signature',
  'x-hub-signature-256',
  'x-gitea-signature',
  'x-forgejo-signature',
  'x-gogs-signature',
  'x-gitlab-token',
  'x-gantry-signature',
]);

export function keptHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (value === undefined || SECRET_HEADERS.has(key)) continue;
    kept[key] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return kept;
}

/**
 * Bodies of deliveries that were NOT authenticated (unknown project, bad signature) are kept only up
 * to this size: anyone can send them, so they must not be a way to fill the disk.
 */
export const UNVERIFIED_BODY_LIMIT = 64 * 1024;

export function unverifiedBody(body: Buffer): { body: Buffer; truncated: boolean } {
  if (body.length <= UNVERIFIED_BODY_LIMIT) return { body, truncated: false };
  return { body: body.subarray(0, UNVERIFIED_BODY_LIMIT), truncated: true };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text when it is valid UTF-8 (JSON payloads), else base64. */
export function bodyText(body: Buffer): { body: string; bodyEncoding: 'utf8' | 'base64' } {
  try {
    return { body: utf8.decode(body), bodyEncoding: 'utf8' };
  } catch {
    return { body: body.toString('base64'), bodyEncoding: 'base64' };
  }
}

/**
 * The JSON document of a webhook body. GitHub and Gitea can also send
 * `application/x-www-form-urlencoded` with the JSON in a `payload` field; the signature still covers
 * the raw bytes, checked before this runs.
 */
export function webhookJson(raw: Buffer, contentType: string | undefined): unknown {
  const text = raw.toString('utf8');
  if (contentType !== undefined && /^application\/x-www-form-urlencoded\b/i.test(contentType)) {
    const payload = new URLSearchParams(text).get('payload');
    if (payload === null) throw new SyntaxError('form body without a "payload" field');
    return JSON.parse(payload);
  }
  return JSON.parse(text);
}

/** Who sent the event, when the payload says (GitHub/Gitea sender, GitLab user). */
export function actorOf(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  const sender = b.sender as Record<string, unknown> | undefined;
  const candidates = [sender?.login, sender?.username, b.user_username, (b.user as Record<string, unknown> | undefined)?.username, (b.pusher as Record<string, unknown> | undefined)?.name];
  for (const c of candidates) if (typeof c === 'string' && c !== '') return c.slice(0, 200);
  return null;
}
