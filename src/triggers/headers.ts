/**
 * Request headers as Node (and fastify) hand them over: names may come in any case, values may be
 * repeated. Forges send each header we read once; a repeated one is treated as absent-or-malformed
 * by the callers, never silently merged.
 */
export type WebhookHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The header's value, looked up case-insensitively. A repeated header yields all its values. */
export function headerValues(headers: WebhookHeaders, name: string): readonly string[] {
  const wanted = name.toLowerCase();
  const found: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    if (typeof value === 'string') found.push(value);
    else found.push(...value);
  }
  return found;
}

/** The single value of a header, or undefined when it is missing or sent more than once. */
export function header(headers: WebhookHeaders, name: string): string | undefined {
  const values = headerValues(headers, name);
  return values.length === 1 ? values[0] : undefined;
}

/** The first of several header names that is present (forks of a forge rename their headers). */
export function firstHeader(headers: WebhookHeaders, names: readonly string[]): { name: string; values: readonly string[] } | undefined {
  for (const name of names) {
    const values = headerValues(headers, name);
    if (values.length > 0) return { name, values };
  }
  return undefined;
}
