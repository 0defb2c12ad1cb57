import { checkExpression } from './check.js';
import { evaluateExpression } from './evaluate.js';
import { parseTemplate, singleExpression } from './template.js';
import { CONTEXT_NAMES, ExpressionError, type ExpressionProblem, type Scope } from './types.js';
import { isTruthy } from './values.js';

/**
 * The expression inside an `if:` value, which may be written bare (`git.branch == 'main'`) or
 * wrapped whole (`${{ git.branch == 'main' }}`). `offset` is where `source` starts in the value.
 * Mixing text and `${{ }}` (e.g. `${{ git.branch }} == 'main'`) is an error rather than a string
 * that is always true.
 */
export function conditionExpression(value: string): { source: string; offset: number } {
  if (value.trim() === '') throw new ExpressionError('empty condition', 0, "write a condition such as git.branch == 'main'");
  if (!value.includes('${{')) return { source: value, offset: 0 };
  const parsed = parseTemplate(value);
  if (!parsed.ok) throw new ExpressionError(parsed.error.message, parsed.error.offset, parsed.error.hint);
  const single = singleExpression(value);
  if (!single) {
    throw new ExpressionError('a condition must be one expression, not text mixed with ${{ }}', 0,
      "write it bare (git.branch == 'main') or wrap all of it: ${{ git.branch == 'main' }}");
  }
  return { source: single.text, offset: single.offset };
}

/**
 * Evaluates an `if:` value (bare or wrapped in `${{ }}`) to a boolean by truthiness.
 * Throws ExpressionError with offsets into `value`.
 */
export function evaluateCondition(value: string, scope: Scope): boolean {
  const { source, offset } = conditionExpression(value);
  try {
    return isTruthy(evaluateExpression(source, scope));
  } catch (err) {
    if (err instanceof ExpressionError) throw new ExpressionError(err.message, err.offset + offset, err.hint);
    throw err;
  }
}

/** checkExpression for an `if:` value (bare or wrapped); offsets are into `value`. */
export function checkCondition(value: string, knownContexts: Iterable<string> = CONTEXT_NAMES): ExpressionProblem[] {
  let unwrapped: { source: string; offset: number };
  try {
    unwrapped = conditionExpression(value);
  } catch (err) {
    if (err instanceof ExpressionError) return [{ message: err.message, offset: err.offset, ...(err.hint ? { hint: err.hint } : {}) }];
    throw err;
  }
  return checkExpression(unwrapped.source, knownContexts).map((p) => ({ ...p, offset: p.offset + unwrapped.offset }));
}
