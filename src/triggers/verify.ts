import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Forge } from './forge.js';
import { firstHeader, type WebhookHeaders } from './headers.js';

/**
 * Webhook authentication, checked over the RAW request body before anything parses it: a parser
 * must never see bytes an attacker chose. Every comparison is constant time.
 *
 *   github   X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>
 *   gitea    X-Gitea-Signature: <hex HMAC-SHA256(secret, body)>  (Forgejo: X-Forgejo-Signature, Gogs: X-Gogs-Signature)
 *   gitlab   X-Gitlab-Token: <secret>  (a shared token, not a signature)
 *   generic  X-Gantry-Signature: sha256=<hex HMAC-SHA256(secret, body)>
 *
 * Pure and synchronous: no I/O, safe to call on every request.
 */
export type VerifyFailure =
  /** The project has no webhook secret: nothing can be authenticated, so nothing is accepted. */
  | 'no_secret'
  /** The forge's signature (or token) header is absent. */
  | 'missing_signature'
  /** The header is present but not in the forge's format (or repeated). */
  | 'malformed_signature'
  /** Well-formed, but made with another secret or over other bytes. */
  | 'signature_mismatch';

export type VerifyResult = { ok: true } | { ok: false; reason: VerifyFailure; message: string };

interface Scheme {
  headers: readonly string[];
  /** The hex digest inside the header value, or undefined when the value is malformed. */
  digest?: (value: string) => string | undefined;
}

const HEX64 = /^[0-9a-f]{64}$/i;
const prefixed = (value: string): string | undefined => {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(value.trim());
  return match?.[1];
};
const bare = (value: string): string | undefined => (HEX64.test(value.trim()) ? value.trim() : undefined);

const SCHEMES: Record<Forge, Scheme> = {
  github: { headers: ['X-Hub-Signature-256'], digest: prefixed },
  gitea: { headers: ['X-Gitea-Signature', 'X-Forgejo-Signature', 'X-Gogs-Signature'], digest: bare },
  gitlab: { headers: ['X-Gitlab-Token'] },
  generic: { headers: ['X-Gantry-Signature'], digest: prefixed },
};

/** The header that carries the signature (or token) for a forge, for docs and error messages. */
export function signatureHeader(forge: Forge): string {
  return SCHEMES[forge].headers[0]!;
}

/** `sha256=<hex>` of the body: what the generic scheme (and GitHub) put in the header. */
export function signBody(secret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

function fail(reason: VerifyFailure, message: string): VerifyResult {
  return { ok: false, reason, message };
}

export function verifyWebhook(forge: Forge, headers: WebhookHeaders, rawBody: Buffer, secret: string): VerifyResult {
  const scheme = SCHEMES[forge];
  if (secret === '') return fail('no_secret', 'the project has no webhook secret; set one to accept webhooks');
  const found = firstHeader(headers, scheme.headers);
  if (found === undefined) return fail('missing_signature', `missing ${scheme.headers.join(' or ')} header`);
  if (found.values.length !== 1 || found.values[0] === '') return fail('malformed_signature', `${found.name} header is empty or repeated`);
  const value = found.values[0]!;

  if (scheme.digest === undefined) {
    // A token, not a signature. Hashing both sides first gives equal lengths, so timingSafeEqual
    // can compare them without revealing the secret's length through an early return.
    const given = createHash('sha256').update(value).digest();
    const wanted = createHash('sha256').update(secret).digest();
    return timingSafeEqual(given, wanted) ? { ok: true } : fail('signature_mismatch', `${found.name} does not match the project's secret`);
  }

  const hex = scheme.digest(value);
  if (hex === undefined) return fail('malformed_signature', `${found.name} is not in the expected format`);
  const given = Buffer.from(hex, 'hex');
  const wanted = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(given, wanted) ? { ok: true } : fail('signature_mismatch', `${found.name} does not match the body signed with the project's secret`);
}
