import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkExpression, checkTemplate } from './check.js';
import { checkCondition, evaluateCondition } from './condition.js';
import { parseExpression } from './parser.js';
import { references } from './references.js';
import { ExpressionError, RUNTIME_CONTEXTS, type Scope } from './types.js';

function refs(source: string): { contexts: string[]; functions: string[] } {
  const parsed = parseExpression(source);
  assert.ok(parsed.ok);
  const r = references(parsed.ast);
  return { contexts: [...r.contexts].sort(), functions: [...r.functions].sort() };
}

describe('references', () => {
  it('lists top-level contexts and functions, not property names', () => {
    assert.deepEqual(refs("needs.build.outputs.git == matrix['steps'] && !success() || contains(fromJSON(inputs.x), env.A)"), {
      contexts: ['env', 'inputs', 'matrix', 'needs'],
      functions: ['contains', 'fromJSON', 'success'],
    });
    assert.deepEqual(refs("'git' == 1"), { contexts: [], functions: [] });
    assert.deepEqual(refs('a[b[c]]'), { contexts: ['a', 'b', 'c'], functions: [] });
  });
  it('tells run-time expressions from compile-time ones', () => {
    const runtime = (s: string): boolean => refs(s).contexts.some((c) => RUNTIME_CONTEXTS.has(c));
    assert.equal(runtime("git.branch == 'main'"), false);
    assert.equal(runtime("git.branch == 'main' && needs.a.result == 'success'"), true);
  });
});

describe('checkExpression', () => {
  it('accepts valid expressions', () => {
    assert.deepEqual(checkExpression("git.branch == 'main' && startsWith(git.ref, 'refs/tags/')"), []);
    assert.deepEqual(checkExpression('always()'), []);
    assert.deepEqual(checkExpression("hashFiles('a', 'b', 'c')"), []);
  });
  it('reports a syntax error only', () => {
    assert.deepEqual(checkExpression('gti = 1'), [
      { message: "unexpected '=' — did you mean '=='?", offset: 4, hint: "'=' alone is not an operator; compare with '=='" },
    ]);
  });
  it('reports every unknown name, function and arity problem, in order', () => {
    const problems = checkExpression("foo(gti.x) || contains('a') || bar && steps.x.outcome", ['git', 'matrix']);
    assert.deepEqual(problems.map((p) => [p.offset, p.message]), [
      [0, "unknown function 'foo()'"],
      [4, "unknown name 'gti' — did you mean 'git'?"],
      [14, 'contains() takes 2 arguments, got 1'],
      [31, "unknown name 'bar'"],
      [38, "the 'steps' context is not available here"],
    ]);
    assert.equal(problems[4]?.hint, 'available here: git, matrix');
    assert.equal(problems[2]?.hint, 'usage: contains(search, item)');
  });
  it('suggests functions', () => {
    assert.match(checkExpression("StartsWith(git.ref, 'x')")[0]?.message ?? '', /did you mean 'startsWith'/);
    assert.match(checkExpression('tojson(git)')[0]?.message ?? '', /did you mean 'toJSON'/);
  });
});

describe('checkTemplate', () => {
  it('maps offsets into the template', () => {
    assert.deepEqual(checkTemplate('a ${{ git.x }} b ${{ gti.x }}', ['git']).map((p) => p.offset), [21]);
    assert.deepEqual(checkTemplate('a ${{ git.x', ['git']).map((p) => [p.offset, p.message]), [[2, "unclosed '${{' — expected '}}'"]]);
    assert.deepEqual(checkTemplate('no expressions'), []);
  });
});

describe('conditions', () => {
  const scope: Scope = { contexts: { git: { branch: 'main', tag: '' } } };
  it('accepts bare and wrapped forms', () => {
    assert.equal(evaluateCondition("git.branch == 'main'", scope), true);
    assert.equal(evaluateCondition("${{ git.branch == 'main' }}", scope), true);
    assert.equal(evaluateCondition("  ${{ git.branch != 'main' }}\n", scope), false);
    assert.equal(evaluateCondition('git.tag', scope), false);
    assert.equal(evaluateCondition("git.tag || 'x'", scope), true);
    assert.equal(evaluateCondition('false', scope), false);
  });
  it('rejects mixed text and empty conditions', () => {
    assert.throws(() => evaluateCondition("${{ git.branch }} == 'main'", scope), /must be one expression/);
    assert.throws(() => evaluateCondition('  ', scope), /empty condition/);
  });
  it('reports errors at offsets into the if: value', () => {
    assert.throws(() => evaluateCondition('${{  gti.branch }}', scope), (err: unknown) =>
      err instanceof ExpressionError && err.offset === 5);
    assert.throws(() => evaluateCondition("git.branch == 'main' && nope", scope), (err: unknown) =>
      err instanceof ExpressionError && err.offset === 24);
  });
  it('checkCondition unwraps and maps offsets', () => {
    assert.deepEqual(checkCondition('${{ gti.x }}', ['git']).map((p) => p.offset), [4]);
    assert.deepEqual(checkCondition('gti.x', ['git']).map((p) => p.offset), [0]);
    assert.match(checkCondition("${{ a }} == 'b'")[0]?.message ?? '', /must be one expression/);
    assert.deepEqual(checkCondition("${{ git.branch == 'main' }}", ['git']), []);
  });
});
