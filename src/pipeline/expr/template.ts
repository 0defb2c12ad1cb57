import { evaluateExpression } from './evaluate.js';
import { ExpressionError, type JsonValue, type Scope, type TemplateParseResult, type TemplatePart } from './types.js';
import { toText } from './values.js';

const OPEN = '${{';
const CLOSE = '}}';

/**
 * Splits `text` into literal parts and `${{ }}` expressions. An expression ends at the first `}}`
 * outside a single-quoted string, so `${{ format('{{0}}', x) }}` is one expression. The `text` of
 * an expression part is the raw source between the braces and its `offset` points at that source,
 * so an offset inside the expression plus `part.offset` is an offset into `text`.
 * Empty text parts are left out. An unclosed `${{` is an error at the `${{`.
 */
export function parseTemplate(text: string): TemplateParseResult {
  const parts: TemplatePart[] = [];
  let pos = 0;
  for (;;) {
    const open = text.indexOf(OPEN, pos);
    if (open === -1) break;
    if (open > pos) parts.push({ kind: 'text', text: text.slice(pos, open), offset: pos });
    const start = open + OPEN.length;
    const close = findClose(text, start);
    if (close === -1) {
      return { ok: false, error: { message: "unclosed '${{' — expected '}}'", offset: open, hint: 'end the expression with }}' } };
    }
    parts.push({ kind: 'expr', text: text.slice(start, close), offset: start });
    pos = close + CLOSE.length;
  }
  if (pos < text.length) parts.push({ kind: 'text', text: text.slice(pos), offset: pos });
  return { ok: true, parts };
}

/** Index of the `}}` that ends an expression starting at `from`, skipping quoted strings; -1 if none. */
function findClose(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (c === "'") {
      // A doubled quote inside a string is the same as closing and reopening it, so this works.
      const end = text.indexOf("'", i + 1);
      if (end === -1) return -1;
      i = end + 1;
    } else if (c === '}' && text[i + 1] === '}') {
      return i;
    } else {
      i++;
    }
  }
  return -1;
}

/** The expression parts of a template (empty for plain text or an unclosed `${{`). */
export function templateExpressions(text: string): TemplatePart[] {
  const parsed = parseTemplate(text);
  return parsed.ok ? parsed.parts.filter((part) => part.kind === 'expr') : [];
}

function parseOrThrow(text: string): TemplatePart[] {
  const parsed = parseTemplate(text);
  if (!parsed.ok) throw new ExpressionError(parsed.error.message, parsed.error.offset, parsed.error.hint);
  return parsed.parts;
}

/** Evaluates one expression part, moving error offsets from the expression into the template. */
function evaluatePart(part: TemplatePart, scope: Scope): JsonValue {
  try {
    return evaluateExpression(part.text, scope);
  } catch (err) {
    if (err instanceof ExpressionError) throw new ExpressionError(err.message, err.offset + part.offset, err.hint);
    throw err;
  }
}

/**
 * Evaluates a whole-string template: literal text is kept, each `${{ }}` is replaced by its value
 * as text (null → '', arrays/objects → JSON). Values are inserted once and never scanned again,
 * so a value that itself contains `${{ }}` stays literal. Text without `${{` is returned as is.
 * Throws ExpressionError with offsets into `text`.
 */
export function evaluateTemplate(text: string, scope: Scope): string {
  if (!text.includes(OPEN)) return text;
  return parseOrThrow(text).map((part) => (part.kind === 'text' ? part.text : toText(evaluatePart(part, scope)))).join('');
}

/**
 * If `text` is exactly one `${{ }}` (blank space around it allowed), that expression part;
 * otherwise undefined.
 */
export function singleExpression(text: string): TemplatePart | undefined {
  const parsed = parseTemplate(text);
  if (!parsed.ok) return undefined;
  const exprs = parsed.parts.filter((part) => part.kind === 'expr');
  const texts = parsed.parts.filter((part) => part.kind === 'text');
  return exprs.length === 1 && texts.every((part) => part.text.trim() === '') ? exprs[0] : undefined;
}

/**
 * Like evaluateTemplate, but a template that is exactly one `${{ }}` keeps its typed value
 * (number, boolean, array…) — for places that want a value rather than text, such as
 * `matrix: ${{ fromJSON(inputs.list) }}`. Anything else evaluates to a string.
 */
export function evaluateTemplateValue(text: string, scope: Scope): JsonValue {
  const single = singleExpression(text);
  return single ? evaluatePart(single, scope) : evaluateTemplate(text, scope);
}
