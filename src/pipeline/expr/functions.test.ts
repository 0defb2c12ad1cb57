import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateExpression } from './evaluate.js';
import { ExpressionError, type HostFunctions, type JsonValue, type Scope } from './types.js';

const contexts = {
  git: { message: 'fix: thing [skip ci]', branch: 'release/1.2' },
  matrix: { tags: ['a', 'b', 1, null], obj: { k: 'v' } },
  inputs: { json: '{"n": [1, 2]}', bad: '{nope' },
};
const scope: Scope = { contexts };
const run = (source: string, s: Scope = scope): JsonValue => evaluateExpression(source, s);

function fails(source: string, message: RegExp, offset: number, s: Scope = scope): void {
  assert.throws(() => run(source, s), (err: unknown) => {
    assert.ok(err instanceof ExpressionError, String(err));
    assert.match(err.message, message);
    assert.equal(err.offset, offset, err.message);
    return true;
  });
}

describe('contains', () => {
  it('finds substrings, case-sensitively', () => {
    assert.equal(run("contains(git.message, '[skip ci]')"), true);
    assert.equal(run("contains(git.message, '[SKIP CI]')"), false);
    assert.equal(run("contains('abc', '')"), true);
  });
  it('finds array elements strictly', () => {
    assert.equal(run("contains(matrix.tags, 'b')"), true);
    assert.equal(run('contains(matrix.tags, 1)'), true);
    assert.equal(run("contains(matrix.tags, '1')"), false);
    assert.equal(run('contains(matrix.tags, null)'), true);
    assert.equal(run("contains(fromJSON('[[1]]'), fromJSON('[1]'))"), true);
  });
  it('null search is false', () => assert.equal(run("contains(git.none, 'x')"), false));
  it('rejects bad types and arity at the call', () => {
    fails("x == 1 || contains(1, 'a')", /unknown name 'x'/, 0);
    fails("true && contains(1, 'a')", /contains\(\) expects a string or an array to search, got number/, 8);
    fails('contains(git.message, 1)', /looks for a string, got number/, 0);
    fails('contains(matrix.obj, 1)', /got object/, 0);
    fails("contains('a')", /contains\(\) takes 2 arguments, got 1/, 0);
  });
});

describe('startsWith / endsWith', () => {
  it('compare case-sensitively', () => {
    assert.equal(run("startsWith(git.branch, 'release/')"), true);
    assert.equal(run("startsWith(git.branch, 'Release/')"), false);
    assert.equal(run("endsWith(git.branch, '1.2')"), true);
    assert.equal(run("endsWith(git.branch, '1.3')"), false);
    assert.equal(run("startsWith(git.none, 'x')"), false);
  });
  it('reject non-strings', () => {
    fails("startsWith(1, '1')", /startsWith\(\) expects a string as text, got number/, 0);
    fails("  endsWith('a', null)", /endsWith\(\) expects a string as suffix, got null/, 2);
    fails("startsWith('a', 'b', 'c')", /takes 2 arguments, got 3/, 0);
  });
});

describe('format', () => {
  it('substitutes placeholders as text', () => {
    assert.equal(run("format('{0}-{1}-{0}', 'a', 2)"), 'a-2-a');
    assert.equal(run("format('{0}|{1}|{2}', null, true, matrix.tags)"), '|true|["a","b",1,null]');
    assert.equal(run("format('no placeholders')"), 'no placeholders');
  });
  it('handles {{ and }} escapes', () => {
    assert.equal(run("format('{{0}} is {0}', 'x')"), '{0} is x');
    assert.equal(run("format('{{{0}}}', 'x')"), '{x}');
  });
  it('rejects bad patterns', () => {
    fails("format('{1}', 'a')", /placeholder \{1\} has no argument \(1 given\)/, 0);
    fails("format('{x}')", /'\{' at position 0 of the pattern must start a placeholder/, 0);
    fails("format('a}b')", /unmatched '\}' at position 1/, 0);
    fails("format('a{')", /must start a placeholder/, 0);
    fails('format(1)', /expects a string as pattern, got number/, 0);
    fails('format()', /takes at least 1 argument, got 0/, 0);
  });
});

describe('join, toJSON, fromJSON', () => {
  it('join', () => {
    assert.equal(run('join(matrix.tags)'), 'a,b,1,');
    assert.equal(run("join(matrix.tags, ' + ')"), 'a + b + 1 + ');
    assert.equal(run("join('solo', '-')"), 'solo');
    assert.equal(run("join(fromJSON('[]'))"), '');
    fails('join(1)', /join\(\) expects an array, got number/, 0);
    fails("join(matrix.tags, 1)", /expects a string as separator/, 0);
  });
  it('toJSON', () => {
    assert.equal(run('toJSON(matrix.obj)'), '{"k":"v"}');
    assert.equal(run("toJSON('a')"), '"a"');
    assert.equal(run('toJSON(null)'), 'null');
    assert.equal(run('toJSON(git.none)'), 'null');
  });
  it('fromJSON', () => {
    assert.deepEqual(run('fromJSON(inputs.json)'), { n: [1, 2] });
    assert.equal(run('fromJSON(inputs.json).n[1]'), 2);
    assert.equal(run("fromJSON('true')"), true);
    assert.equal(run("fromJSON('12') > 3"), true);
    fails('fromJSON(inputs.bad)', /^fromJSON\(\): invalid JSON — /, 0);
    fails('fromJSON(1)', /expects a string as text/, 0);
  });
});

describe('host functions', () => {
  const calls: string[][] = [];
  const functions: HostFunctions = {
    success: () => true,
    failure: () => false,
    always: () => true,
    cancelled: () => false,
    hashFiles: (...patterns) => {
      calls.push(patterns);
      return `hash(${patterns.join(',')})`;
    },
  };
  const host: Scope = { contexts, functions };

  it('calls the functions of the scope', () => {
    assert.equal(run('success() && !failure() && always() && !cancelled()', host), true);
    assert.equal(run("hashFiles('package-lock.json', '**/*.ts')", host), 'hash(package-lock.json,**/*.ts)');
    assert.deepEqual(calls.at(-1), ['package-lock.json', '**/*.ts']);
  });
  it('says when a host function is not available', () => {
    fails('success()', /^success\(\) is not available here$/, 0);
    fails("x == 1 || hashFiles('a')", /unknown name/, 0);
    fails("true && hashFiles('a')", /^hashFiles\(\) is not available here$/, 8);
    fails('always()', /always\(\) is not available here/, 0, { contexts, functions: { success: () => true } });
  });
  it('checks host arity and argument types', () => {
    fails('success(1)', /success\(\) takes 0 arguments, got 1/, 0, host);
    fails('hashFiles()', /at least 1 argument/, 0, host);
    fails("hashFiles('a', 2)", /argument 2 is number/, 0, host);
  });
  it('rejects unknown functions with a suggestion', () => {
    fails("startswith('a', 'b')", /unknown function 'startswith\(\)' — did you mean 'startsWith'\?/, 0);
    fails('constructor()', /unknown function 'constructor\(\)'/, 0);
  });
});
