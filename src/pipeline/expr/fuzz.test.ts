import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { checkExpression, checkTemplate } from './check.js';
import { evaluateCondition } from './condition.js';
import { evaluate } from './evaluate.js';
import { parseExpression } from './parser.js';
import { evaluateTemplate } from './template.js';
import { ExpressionError, type JsonValue, type Scope } from './types.js';

// Generous on purpose: the machine runs other test files at the same time. The bound catches
// runaway (exponential) parsing, which takes seconds, not scheduling noise.
const LIMIT_MS = 3000;

/** Runs fn, which may return or throw ExpressionError only, and must finish within LIMIT_MS. */
function total(what: string, input: string, fn: () => unknown): void {
  const start = performance.now();
  try {
    fn();
  } catch (err) {
    if (!(err instanceof ExpressionError)) {
      assert.fail(`${what}(${JSON.stringify(input)}) threw ${String(err)}`);
    }
    assert.equal(typeof err.offset, 'number');
    assert.ok(err.offset >= 0, `${what}: negative offset ${err.offset}`);
  }
  const ms = performance.now() - start;
  assert.ok(ms < LIMIT_MS, `${what}(${JSON.stringify(input).slice(0, 200)}) took ${ms.toFixed(1)} ms`);
}

function exercise(source: string, context: JsonValue): void {
  const scope: Scope = {
    contexts: { git: { branch: 'main', sha: 'abc' }, matrix: context, env: { A: '1' }, needs: { a: { outputs: { x: context } } } },
    functions: { success: () => true, failure: () => false, always: () => true, cancelled: () => false, hashFiles: () => 'h' },
  };
  total('parseExpression', source, () => {
    const parsed = parseExpression(source);
    if (!parsed.ok) assert.ok(parsed.error.offset >= 0 && parsed.error.offset <= Math.max(source.length, 4096));
    else total('evaluate', source, () => evaluate(parsed.ast, scope));
  });
  total('checkExpression', source, () => checkExpression(source));
  total('evaluateTemplate', source, () => evaluateTemplate(source, scope));
  total('checkTemplate', source, () => checkTemplate(source));
  total('evaluateCondition', source, () => evaluateCondition(source, scope));
}

const TOKENS = [
  "'a'", "'it''s'", "'", "''", "'${{'", "'}}'", '0', '-1', '1.5', '0xff', '1e3', '-', 'true', 'false', 'null',
  'git', 'matrix', 'needs', 'env', 'steps', 'gti', 'x', 'a-b', '.', '[', ']', '(', ')', ',', '==', '!=', '<', '<=', '>', '>=',
  '&&', '||', '!', '=', '&', '|', '"', '${{', '}}', '{', '}', 'contains', 'format', 'fromJSON', 'toJSON', 'join',
  'startsWith', 'success', 'hashFiles', "'{0}'", "'{'", "'[1,2]'", "'{\"a\":1}'", ' ', '\n', '#', '\u0000', '\u{1F600}',
];

const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((ts) => ts.join(''));
const spacedSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((ts) => ts.join(' '));
const hugeSoup = fc.array(fc.constantFrom(...TOKENS), { minLength: 500, maxLength: 1500 }).map((ts) => ts.join(''));

/** Well-formed expressions from the grammar, so evaluation and functions are reached too. */
const { expr: grammarExpr } = fc.letrec<{ expr: string; atom: string }>((tie) => ({
  atom: fc.oneof(
    fc.constantFrom("'a'", "'{0}-{1}'", "'[1,\"x\"]'", "'{\"k\":[1]}'", '0', '-1', '2.5', 'true', 'false', 'null', "'main'", "''"),
    fc.constantFrom('git', 'git.branch', 'git.sha', 'matrix', 'env.A', 'needs.a.outputs.x', 'nope', 'steps.s.outputs'),
    fc.tuple(fc.constantFrom('matrix', 'needs.a.outputs.x', 'git'), tie('expr')).map(([o, i]) => `${o}[${i}]`),
    fc.tuple(fc.constantFrom('matrix', 'git'), fc.constantFrom('a', 'b', 'branch', 'constructor', '__proto__')).map(([o, k]) => `${o}.${k}`),
  ),
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('atom'),
    fc.tuple(tie('expr'), fc.constantFrom('==', '!=', '<', '<=', '>', '>=', '&&', '||'), tie('expr')).map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('expr').map((e) => `!(${e})`),
    tie('expr').map((e) => `(${e})`),
    fc.tuple(
      fc.constantFrom('contains', 'startsWith', 'endsWith', 'format', 'join', 'toJSON', 'fromJSON', 'success', 'always', 'hashFiles', 'nope'),
      fc.array(tie('expr'), { maxLength: 3 }),
    ).map(([f, args]) => `${f}(${args.join(', ')})`),
  ),
})) as unknown as { expr: fc.Arbitrary<string> };

describe('expressions are total and bounded', () => {
  // The time limit is about the algorithms, not about the first, unoptimised runs of each path.
  before(() => {
    for (let i = 0; i < 20; i++) {
      for (const s of ["git.branch == 'main' && contains(matrix, 1)", '${{ a }} ${{ gti.x }}', "format('{0}', x) || !y[0]", '(']) {
        exercise(s, { a: [1] });
      }
    }
  });

  it('well-formed expressions from the grammar parse and evaluate or fail cleanly', () => {
    fc.assert(fc.property(grammarExpr, fc.jsonValue({ maxDepth: 3 }), (s, v) => {
      assert.ok(parseExpression(s).ok, `grammar produced unparsable ${s}`);
      exercise(s, v as JsonValue);
      exercise(`\${{ ${s} }}`, v as JsonValue);
    }), { numRuns: 1500 });
  });
  it('arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.jsonValue({ maxDepth: 3 }), (s, v) => exercise(s, v as JsonValue)),
      { numRuns: 400 });
  });
  it('token soups', () => {
    fc.assert(fc.property(fc.oneof(tokenSoup, spacedSoup), fc.jsonValue({ maxDepth: 3 }), (s, v) => exercise(s, v as JsonValue)),
      { numRuns: 1500 });
  });
  it('long token soups near and over the length limit', () => {
    fc.assert(fc.property(hugeSoup, (s) => exercise(s, null)), { numRuns: 60 });
  });
  it('pathological inputs', () => {
    const inputs = [
      '('.repeat(4000), '!'.repeat(4000), '['.repeat(4000), 'a'.repeat(4096), "'".repeat(4000), 'f('.repeat(2000),
      'a.'.repeat(2000) + 'a', 'a||'.repeat(1300) + 'a', 'a['.repeat(60) + '0' + ']'.repeat(60), '${{'.repeat(3000),
      "${{ '".repeat(2000), '${{ a }}'.repeat(1000), 'x'.repeat(100_000),
    ];
    for (const input of inputs) exercise(input, { a: { a: 1 } });
  });
});
