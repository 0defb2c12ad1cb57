import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExpression } from './parser.js';
import { MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_LENGTH, type Expr } from './types.js';

/** Fully parenthesised form of an AST, to make precedence visible. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      return typeof e.value === 'string' ? `'${e.value}'` : String(e.value);
    case 'context':
      return e.name;
    case 'member':
      return `${show(e.object)}.${e.property}`;
    case 'index':
      return `${show(e.object)}[${show(e.index)}]`;
    case 'unary':
      return `!${show(e.operand)}`;
    case 'binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'call':
      return `${e.name}(${e.args.map(show).join(', ')})`;
  }
}

function ast(source: string): Expr {
  const result = parseExpression(source);
  if (!result.ok) assert.fail(`expected ${source} to parse: ${result.error.message}`);
  return result.ast;
}

function parseError(source: string): { message: string; offset: number; hint?: string } {
  const result = parseExpression(source);
  if (result.ok) assert.fail(`expected ${source} to fail`);
  return result.error;
}

describe('parseExpression: literals and access', () => {
  it('parses literals', () => {
    assert.deepEqual(ast("'it''s'"), { kind: 'literal', value: "it's", offset: 0 });
    assert.deepEqual(ast("''"), { kind: 'literal', value: '', offset: 0 });
    assert.deepEqual(ast(' 42'), { kind: 'literal', value: 42, offset: 1 });
    assert.deepEqual(ast('-1.5'), { kind: 'literal', value: -1.5, offset: 0 });
    assert.deepEqual(ast('0xff'), { kind: 'literal', value: 255, offset: 0 });
    assert.deepEqual(ast('-0x10'), { kind: 'literal', value: -16, offset: 0 });
    assert.deepEqual(ast('1e3'), { kind: 'literal', value: 1000, offset: 0 });
    assert.deepEqual(ast('true'), { kind: 'literal', value: true, offset: 0 });
    assert.deepEqual(ast('false'), { kind: 'literal', value: false, offset: 0 });
    assert.deepEqual(ast('null'), { kind: 'literal', value: null, offset: 0 });
  });

  it('parses dotted and indexed member access with offsets', () => {
    const e = ast("needs.build.outputs['digest']");
    assert.equal(show(e), "needs.build.outputs['digest']");
    assert.equal(e.kind, 'index');
    assert.equal(e.offset, 19);
    if (e.kind !== 'index') return;
    assert.equal(e.object.offset, 12); // 'outputs'
    assert.equal(e.index.offset, 20);
  });

  it('allows dashes in names (job ids like deploy-staging)', () => {
    assert.equal(show(ast('needs.deploy-staging.result')), 'needs.deploy-staging.result');
  });

  it('parses calls with offsets of the call and its arguments', () => {
    const e = ast("  contains(git.message, '[skip]')");
    assert.equal(e.kind, 'call');
    if (e.kind !== 'call') return;
    assert.equal(e.offset, 2);
    assert.equal(e.args.length, 2);
    assert.equal(e.args[1]?.offset, 24);
    assert.deepEqual(ast('always()'), { kind: 'call', name: 'always', args: [], offset: 0 });
  });
});

describe('parseExpression: precedence', () => {
  const cases: [string, string][] = [
    ['a || b && c', '(a || (b && c))'],
    ['a && b || c', '((a && b) || c)'],
    ['a == b && c != d', '((a == b) && (c != d))'],
    ['a < b == c >= d', '((a < b) == (c >= d))'],
    ['!a == b', '(!a == b)'],
    ['!(a == b)', '!(a == b)'],
    ['a || b || c', '((a || b) || c)'],
    ['(a || b) && c', '((a || b) && c)'],
    ["!x.y['z'] || f(1, 2 < 3)", "(!x.y['z'] || f(1, (2 < 3)))"],
    ['a<=-1', '(a <= -1)'],
  ];
  for (const [source, expected] of cases) {
    it(`${source} → ${expected}`, () => assert.equal(show(ast(source)), expected));
  }

  it('binary and unary nodes point at their operator', () => {
    const e = ast('a  &&  !b');
    assert.equal(e.offset, 3);
    assert.equal(e.kind === 'binary' && e.right.offset, 7);
  });
});

describe('parseExpression: errors', () => {
  const cases: [string, RegExp, number][] = [
    ["git.branch = 'main'", /unexpected '=' — did you mean '=='\?/, 11],
    ["a === 'b'", /did you mean '=='/, 2],
    ['a & b', /did you mean '&&'/, 2],
    ['a | b', /did you mean '\|\|'/, 2],
    ["'abc", /unterminated string/, 0],
    ["x == 'it''s", /unterminated string/, 5],
    ['"abc"', /strings use single quotes/, 0],
    ['a b', /unexpected 'b' after a complete expression/, 2],
    ['(a', /expected '\)' to close '\('/, 2],
    ['a)', /unmatched '\)'/, 1],
    ['a.', /expected a property name after '\.'/, 2],
    ['a.1', /expected a property name/, 2],
    ['a[]', /expected an index/, 2],
    ["a['x'", /expected '\]'/, 5],
    ['a ==', /unexpected end of expression/, 4],
    ['', /empty expression/, 0],
    ['   ', /empty expression/, 0],
    ['()', /empty parentheses/, 0],
    ['a.b()', /only named functions can be called/, 3],
    ['f(a b)', /expected ',' or '\)' in the arguments of f\(\)/, 4],
    ['f(a,)', /expected a value, found '\)'/, 4],
    ['1abc', /invalid number/, 0],
    ['1.2.3', /invalid number/, 0],
    ['a # b', /unexpected character '#'/, 2],
    ['a - b', /there is no arithmetic/, 2],
  ];
  for (const [source, message, offset] of cases) {
    it(`${JSON.stringify(source)} fails at ${offset}`, () => {
      const error = parseError(source);
      assert.match(error.message, message);
      assert.equal(error.offset, offset);
    });
  }

  it('suggests operators for words', () => {
    assert.equal(parseError('a and b').hint, "did you mean '&&'?");
    assert.equal(parseError('a or b').hint, "did you mean '||'?");
  });

  it('rejects over-long expressions without scanning them', () => {
    const error = parseError(`'${'x'.repeat(MAX_EXPRESSION_LENGTH)}'`);
    assert.match(error.message, /too long/);
  });

  it('rejects deep nesting instead of overflowing the stack', () => {
    const deep = `${'('.repeat(MAX_EXPRESSION_DEPTH + 1)}a${')'.repeat(MAX_EXPRESSION_DEPTH + 1)}`;
    assert.match(parseError(deep).message, /nested too deeply/);
    assert.match(parseError('!'.repeat(1000) + 'a').message, /nested too deeply/);
    assert.match(parseError('f('.repeat(1000)).message, /nested too deeply/);
    assert.match(parseError('a' + '[a'.repeat(1000)).message, /nested too deeply/);
    const ok = `${'('.repeat(MAX_EXPRESSION_DEPTH)}a${')'.repeat(MAX_EXPRESSION_DEPTH)}`;
    assert.equal(show(ast(ok)), 'a');
  });

  it('accepts long flat chains up to the length limit', () => {
    const chain = Array.from({ length: 1300 }, () => 'a').join('||');
    assert.ok(chain.length <= MAX_EXPRESSION_LENGTH);
    assert.equal(ast(chain).kind, 'binary');
  });
});
