import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate, evaluateExpression, isTruthy } from './evaluate.js';
import { ExpressionError, type JsonValue, type Scope } from './types.js';

const scope: Scope = {
  contexts: {
    git: { event: 'push', branch: 'main', tag: '', sha: 'abc123', sha_short: 'abc' },
    matrix: { node: 20, os: 'linux', 'with-dash': 'yes' },
    needs: { build: { result: 'success', outputs: { digest: 'sha256:1', list: [1, 2, 3] } } },
    env: { EMPTY: '', ZERO: '0' },
  },
};

const run = (source: string, s: Scope = scope): JsonValue => evaluateExpression(source, s);

function fails(source: string, message: RegExp, offset: number, s: Scope = scope): ExpressionError {
  try {
    run(source, s);
  } catch (err) {
    assert.ok(err instanceof ExpressionError, `expected ExpressionError, got ${String(err)}`);
    assert.match(err.message, message);
    assert.equal(err.offset, offset, `offset of "${err.message}"`);
    return err;
  }
  return assert.fail(`expected ${source} to throw`);
}

describe('evaluate: access', () => {
  it('reads contexts, properties and indexes', () => {
    assert.equal(run('git.branch'), 'main');
    assert.equal(run("matrix['node']"), 20);
    assert.equal(run("matrix['with-dash']"), 'yes');
    assert.equal(run('needs.build.outputs.digest'), 'sha256:1');
    assert.equal(run('needs.build.outputs.list[1]'), 2);
    assert.deepEqual(run('needs.build.outputs'), { digest: 'sha256:1', list: [1, 2, 3] });
  });

  it('missing properties and properties of null are null', () => {
    assert.equal(run('git.nothing'), null);
    assert.equal(run('needs.deploy.outputs.x'), null);
    assert.equal(run('needs.build.outputs.list[7]'), null);
    assert.equal(run('needs.build.outputs.list[-1]'), null);
    assert.equal(run('needs.build.outputs.list[0.5]'), null);
  });

  it('never reaches the prototype chain', () => {
    assert.equal(run('git.constructor'), null);
    assert.equal(run("git['__proto__']"), null);
    assert.equal(run('git.toString'), null);
  });

  it('unknown top-level names fail with a suggestion', () => {
    const err = fails('gti.branch', /^unknown name 'gti' — did you mean 'git'\?$/, 0);
    assert.match(err.hint ?? '', /text must be quoted/);
    fails("git.x == 'a' || mtrix.node", /did you mean 'matrix'/, 16);
    fails('main', /^unknown name 'main'$/, 0);
  });

  it('language contexts missing from the scope are "not available here"', () => {
    const err = fails('steps.x.outputs', /the 'steps' context is not available here/, 0);
    assert.match(err.hint ?? '', /git, matrix, needs, env/);
  });

  it('member access on scalars is a type error at the property', () => {
    fails('git.branch.name', /cannot read property 'name' of a string/, 11);
    fails('matrix.node.x', /of a number/, 12);
    fails("true['x']", /cannot index into a boolean/, 4);
    fails('needs.build.outputs.list.x', /^cannot read property 'x' of an array$/, 25);
    fails("needs.build.outputs.list['0']", /array index must be a number, got string/, 24);
    fails('matrix[0]', /keys are strings, got number/, 6);
  });
});

describe('evaluate: operators', () => {
  it('== and != are strict by type and case-sensitive', () => {
    assert.equal(run("git.branch == 'main'"), true);
    assert.equal(run("git.branch == 'Main'"), false);
    assert.equal(run("matrix.node == '20'"), false);
    assert.equal(run('matrix.node == 20'), true);
    assert.equal(run("matrix.node != '20'"), true);
    assert.equal(run('null == null'), true);
    assert.equal(run('git.nothing == null'), true);
    assert.equal(run("git.nothing == ''"), false);
    assert.equal(run('0 == false'), false);
    assert.equal(run('0x10 == 16'), true);
    assert.equal(run("needs.build.outputs.list == fromJSON('[1,2,3]')"), true);
    assert.equal(run("needs.build.outputs == fromJSON('{\"list\":[1,2,3],\"digest\":\"sha256:1\"}')"), true);
    assert.equal(run("fromJSON('{\"a\":1}') == fromJSON('{\"b\":1}')"), false);
  });

  it('ordering compares numbers with numbers and strings with strings', () => {
    assert.equal(run('matrix.node >= 20'), true);
    assert.equal(run('matrix.node > 20'), false);
    assert.equal(run('-1 < 0'), true);
    assert.equal(run("'a' < 'b'"), true);
    assert.equal(run("'B' < 'a'"), true);
    assert.equal(run("'abc' <= 'abc'"), true);
    fails("matrix.node < '21'", /^cannot compare number with string using '<'$/, 12);
    fails('null >= 1', /cannot compare null with number using '>='/, 5);
    fails('true > false', /cannot compare boolean with boolean/, 5);
  });

  it('&& and || return operand values and short-circuit', () => {
    assert.equal(run("git.tag || 'none'"), 'none');
    assert.equal(run("git.branch || 'none'"), 'main');
    assert.equal(run("git.tag && 'x'"), '');
    assert.equal(run("matrix.node && 'x'"), 'x');
    assert.equal(run('true || nope.x'), true);
    assert.equal(run('false && nope.x'), false);
    fails('false || nope.x', /unknown name 'nope'/, 9);
  });

  it('! uses truthiness', () => {
    assert.equal(run('!git.tag'), true);
    assert.equal(run('!env.ZERO'), false);
    assert.equal(run('!0'), true);
    assert.equal(run('!null'), true);
    assert.equal(run('!!matrix'), true);
  });

  it('isTruthy: false, 0, empty string and null are false', () => {
    for (const v of [false, 0, -0, '', null]) assert.equal(isTruthy(v), false, JSON.stringify(v));
    for (const v of [true, 1, -1, '0', 'false', ' ', [], {}]) assert.equal(isTruthy(v as JsonValue), true, JSON.stringify(v));
  });

  it('turns a stack overflow from a hand-built tree into an ExpressionError', () => {
    let ast: Parameters<typeof evaluate>[0] = { kind: 'literal', value: true, offset: 0 };
    for (let i = 0; i < 200_000; i++) ast = { kind: 'unary', op: '!', operand: ast, offset: 0 };
    assert.throws(() => evaluate(ast, scope), ExpressionError);
  });
});
