import { secretForms } from './secret-forms.js';

export const MASK = '***';

/**
 * A streaming secret masker for one output stream. Not safe to share between streams: it keeps
 * the tail of the text that might be the start of a secret.
 *
 * Call order: `push` each decoded chunk as it arrives; what it returns is safe to show now. Call
 * `flush` once at the end of the stream to get the held-back rest (masked).
 */
export interface Masker {
  push(chunk: string): string;
  flush(): string;
}

/**
 * Masks every occurrence of every form of the secrets (see `secretForms`) with `***`, also when a
 * secret arrives split across pushes. It holds back only a tail that could still grow into a
 * secret form (a proper prefix of one); everything before it is released at once. Where forms
 * overlap at one position the longest wins; a shorter full match is not released while a longer
 * form could still complete there.
 */
export function createMasker(secrets: readonly string[]): Masker {
  const forms = secretForms(secrets);
  if (forms.length === 0) return { push: (chunk) => chunk, flush: () => '' };
  const byFirstChar = new Map<string, string[]>();
  for (const form of forms) {
    const key = form[0]!;
    const list = byFirstChar.get(key) ?? [];
    list.push(form); // forms are longest first, so each list is too
    byFirstChar.set(key, list);
  }
  let held = '';

  const scan = (text: string, final: boolean): string => {
    let out = '';
    let plainStart = 0;
    let i = 0;
    while (i < text.length) {
      const candidates = byFirstChar.get(text[i]!);
      if (candidates === undefined) {
        i++;
        continue;
      }
      const rest = text.length - i;
      if (!final && candidates.some((form) => form.length > rest && form.startsWith(text.slice(i)))) break;
      const match = candidates.find((form) => form.length <= rest && text.startsWith(form, i));
      if (match === undefined) {
        i++;
        continue;
      }
      out += text.slice(plainStart, i) + MASK;
      i += match.length;
      plainStart = i;
    }
    held = text.slice(i);
    return out + text.slice(plainStart, i);
  };

  return {
    push(chunk) {
      return scan(held + chunk, false);
    },
    flush() {
      const out = scan(held, true);
      held = '';
      return out;
    },
  };
}

/** Masks a complete value (job outputs, reasons) in one go. */
export function maskText(text: string, secrets: readonly string[]): string {
  const masker = createMasker(secrets);
  return masker.push(text) + masker.flush();
}
