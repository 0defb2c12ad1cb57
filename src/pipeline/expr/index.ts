/**
 * `${{ }}` expressions: a small, safe language (no JavaScript eval). Reference: docs/expressions.md.
 *
 * CONTRACT (implemented in this folder):
 * - parseExpression(source) → { ok: true, ast } | { ok: false, error: { message, offset, hint? } }
 *   `offset` is a 0-based character offset into `source` (callers map it to line:column).
 * - parseTemplate(text) → { ok: true, parts } | { ok: false, error }: splits a string into literal
 *   parts and `${{ }}` expressions, with the offset of each expression's source inside `text`; an
 *   unclosed `${{` is an error with its offset. templateExpressions(text) lists just the expressions.
 * - references(ast) lists the contexts and functions an expression uses, so compile can tell
 *   whether it can be evaluated now (git, inputs, matrix, env) or must wait for run time
 *   (needs, steps, job, secrets, status functions, hashFiles).
 * - evaluate(ast, scope) → value; throws ExpressionError (message + offset) on unknown names,
 *   type errors or bad function calls. Values are JSON values (string, number, boolean, null,
 *   arrays, objects). evaluateExpression(source, scope) parses and evaluates in one go.
 * - evaluateTemplate(text, scope) → string: a whole-string template; values are inserted once and
 *   never re-scanned. Objects/arrays render as JSON, null as ''. evaluateTemplateValue keeps the
 *   typed value when the template is exactly one expression.
 * - evaluateCondition(value, scope) → boolean for an `if:` written bare or wrapped in `${{ }}`.
 * - isTruthy(value) as in GitHub Actions: false, 0, '', null are false; everything else true.
 * - checkExpression(source, knownContexts) → static problems (syntax, unknown context name,
 *   unknown function, wrong arity) as { message, offset, hint? }[] — used by lint;
 *   checkTemplate / checkCondition do the same for templates and `if:` values.
 * Everything here is pure and synchronous; all entry points are bounded in time and depth and
 * throw only ExpressionError (the parse/check functions return problems instead of throwing).
 */
export * from './types.js';
export { parseExpression } from './parser.js';
export { parseTemplate, evaluateTemplate, evaluateTemplateValue, templateExpressions, singleExpression } from './template.js';
export { evaluate, evaluateExpression, isTruthy } from './evaluate.js';
export { references } from './references.js';
export { checkExpression, checkTemplate } from './check.js';
export { evaluateCondition, checkCondition, conditionExpression } from './condition.js';
export { FUNCTIONS, type FunctionSpec } from './functions.js';
export { toText, typeOf, valuesEqual, type ValueType } from './values.js';
