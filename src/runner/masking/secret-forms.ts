/**
 * Secrets shorter than this are not masked. Masking a one- or two-character value would replace
 * that text everywhere in every log (every "a", every "10"), making logs unreadable while the
 * pattern of `***` would give the value away anyway. Short secrets are not secret; lint may warn.
 */
export const MIN_SECRET_LENGTH = 3;

/** Secrets at least this long also get their base64 forms inside longer data (see embeddedBase64). */
const MIN_EMBEDDED_LENGTH = 6;

/** `base64` (coreutils) wraps its output at 76 columns. */
const BASE64_LINE = 76;

/**
 * Every text form under which a secret commonly reaches a log: as is, base64 (standard and
 * URL-safe, with and without padding, also as `base64` prints it: wrapped, and of the value plus a
 * newline as `echo "$S" | base64` encodes it), URL-encoded; for a multi-line secret also each of its
 * lines and its CRLF variant. Forms shorter than MIN_SECRET_LENGTH are dropped; the result is
 * deduplicated and sorted longest first, so overlapping forms mask the longest match.
 */
export function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    const variants = [secret];
    if (secret.includes('\n')) {
      variants.push(secret.replace(/\r?\n/g, '\r\n'));
      for (const line of secret.split(/\r?\n/)) variants.push(line);
    }
    for (const value of variants) {
      if (value.length < MIN_SECRET_LENGTH) continue;
      for (const form of encodings(value)) forms.add(form);
    }
    for (const form of base64Forms(Buffer.from(`${secret}\n`))) forms.add(form);
    if (secret.length >= MIN_EMBEDDED_LENGTH) for (const form of embeddedBase64(Buffer.from(secret))) forms.add(form);
  }
  return [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

function encodings(value: string): string[] {
  const out = [value, ...base64Forms(Buffer.from(value))];
  try {
    out.push(encodeURIComponent(value));
  } catch {
    // lone surrogates cannot be URL-encoded: no such form can appear in a log either
  }
  return out;
}

function base64Forms(bytes: Buffer): string[] {
  const padded = bytes.toString('base64');
  const unpadded = padded.replace(/=+$/, '');
  const url = bytes.toString('base64url');
  const out = [padded, unpadded, url, `${url}${'='.repeat(padded.length - unpadded.length)}`];
  if (padded.length > BASE64_LINE) out.push(padded.replace(new RegExp(`(.{${BASE64_LINE}})(?=.)`, 'g'), '$1\n'));
  return out;
}

/**
 * A secret encoded as part of longer data (`user:token` in a Basic auth header) shows up in base64
 * shifted by 0, 1 or 2 bytes, with its first and last characters mixed with its neighbours. The
 * characters that depend on the secret's bytes alone are the same whatever the neighbours are:
 * mask those (standard and URL-safe alphabets). A character or two of the edges may stay visible.
 */
function embeddedBase64(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    const first = Math.ceil((8 * shift) / 6);
    const end = Math.floor((8 * (shift + bytes.length)) / 6);
    const stable = encoded.slice(first, end);
    out.push(stable, stable.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return out;
}
