/**
 * `${{ }}` expressions: a small, safe language (no JavaScript eval).
 *
 * CONTRACT (implemented in this folder):
 * - parseExpression(source) → { ok: true, ast } | { ok: false, error: { message, offset, hint? } }
 *   `offset` is a 0-based character offset into `source` (callers map it to line:column).
 * - parseTemplate(text) splits a string into literal parts and `${{ }}` expressions, with the
 *   offset of each expression inside `text`; an unclosed `${{` is an error with its offset.
 * - references(ast) lists the contexts and functions an expression uses, so compile can tell
 *   whether it can be evaluated now (git, inputs, matrix, env) or must wait for run time
 *   (needs, steps, job, secrets, status functions, hashFiles).
 * - evaluate(ast, scope) → value; throws ExpressionError (message + offset) on unknown names,
 *   type errors or bad function calls. Values are JSON values (string, number, boolean, null,
 *   arrays, objects).
 * - evaluateTemplate(text, scope) → string: a whole-string template; a string that is exactly one
 *   expression keeps the value's string form. Objects/arrays render as JSON.
 * - isTruthy(value) as in GitHub Actions: false, 0, '', null are false; everything else true.
 * - checkExpression(source, knownContexts) → static problems (unknown context name, unknown
 *   function, wrong arity) as { message, offset, hint? }[] — used by lint.
 */
export * from './types.js';
export { parseExpression } from './parser.js';
export { parseTemplate, evaluateTemplate, templateExpressions } from './template.js';
export { evaluate, isTruthy } from './evaluate.js';
export { references } from './references.js';
export { checkExpression } from './check.js';
