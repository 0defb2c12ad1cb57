import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateTemplate, evaluateTemplateValue, parseTemplate, singleExpression, templateExpressions } from './template.js';
import { ExpressionError, type Scope } from './types.js';

const scope: Scope = {
  contexts: {
    git: { sha_short: 'abc1234', branch: 'main', message: 'add ${{ secrets.TOKEN }} please' },
    matrix: { node: 20, flags: ['a', 'b'], opts: { x: 1 } },
    inputs: { payload: '${{ secrets.TOKEN }}' },
    secrets: { TOKEN: 's3cr3t' },
  },
};

describe('parseTemplate', () => {
  it('splits text and expressions with offsets', () => {
    const text = 'node:${{ matrix.node }}-x';
    const parsed = parseTemplate(text);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.parts, [
      { kind: 'text', text: 'node:', offset: 0 },
      { kind: 'expr', text: ' matrix.node ', offset: 8 },
      { kind: 'text', text: '-x', offset: 23 },
    ]);
    assert.equal(text.slice(8, 8 + ' matrix.node '.length), ' matrix.node ');
  });

  it('plain text is one part; empty text is no part', () => {
    assert.deepEqual(parseTemplate('plain'), { ok: true, parts: [{ kind: 'text', text: 'plain', offset: 0 }] });
    assert.deepEqual(parseTemplate(''), { ok: true, parts: [] });
    assert.deepEqual(parseTemplate('${{a}}${{b}}'), {
      ok: true,
      parts: [{ kind: 'expr', text: 'a', offset: 3 }, { kind: 'expr', text: 'b', offset: 9 }],
    });
  });

  it('skips }} inside quoted strings', () => {
    assert.deepEqual(templateExpressions("${{ format('{{0}}', 'it''s }}') }}!"), [
      { kind: 'expr', text: " format('{{0}}', 'it''s }}') ", offset: 3 },
    ]);
  });

  it('reports an unclosed ${{ at its offset', () => {
    assert.deepEqual(parseTemplate('ok ${{ a }} then ${{ b'), {
      ok: false,
      error: { message: "unclosed '${{' — expected '}}'", offset: 17, hint: 'end the expression with }}' },
    });
    assert.equal(parseTemplate("${{ 'abc }}").ok, false);
    assert.deepEqual(templateExpressions('${{ b'), []);
  });
});

describe('evaluateTemplate', () => {
  it('returns strings without ${{ unchanged', () => {
    assert.equal(evaluateTemplate('echo $HOME }} {{ x', scope), 'echo $HOME }} {{ x');
  });

  it('renders values as text', () => {
    assert.equal(evaluateTemplate('registry.local/app:${{ git.sha_short }}', scope), 'registry.local/app:abc1234');
    assert.equal(evaluateTemplate('${{ matrix.node }}', scope), '20');
    assert.equal(evaluateTemplate('[${{ git.nothing }}]', scope), '[]');
    assert.equal(evaluateTemplate('${{ matrix.flags }} ${{ matrix.opts }}', scope), '["a","b"] {"x":1}');
    assert.equal(evaluateTemplate('${{ true }}/${{ 1.5 }}/${{ -0 }}', scope), 'true/1.5/0');
  });

  it('never evaluates a value a second time', () => {
    assert.equal(evaluateTemplate('${{ inputs.payload }}', scope), '${{ secrets.TOKEN }}');
    assert.equal(evaluateTemplate('msg: ${{ git.message }}', scope), 'msg: add ${{ secrets.TOKEN }} please');
    assert.equal(evaluateTemplate("${{ '${{ secrets.TOKEN }' }}}", scope), '${{ secrets.TOKEN }}');
    assert.equal(evaluateTemplateValue('${{ inputs.payload }}', scope), '${{ secrets.TOKEN }}');
  });

  it('throws ExpressionError with offsets into the template', () => {
    assert.throws(() => evaluateTemplate('abc ${{ gti.sha }}', scope), (err: unknown) =>
      err instanceof ExpressionError && err.offset === 8 && /did you mean 'git'/.test(err.message));
    assert.throws(() => evaluateTemplate('abc ${{ a = b }}', scope), (err: unknown) =>
      err instanceof ExpressionError && err.offset === 10);
    assert.throws(() => evaluateTemplate('abc ${{ git.sha', scope), (err: unknown) =>
      err instanceof ExpressionError && err.offset === 4 && /unclosed/.test(err.message));
    assert.throws(() => evaluateTemplate('x${{ }}', scope), (err: unknown) =>
      err instanceof ExpressionError && /empty expression/.test(err.message));
  });
});

describe('evaluateTemplateValue / singleExpression', () => {
  it('keeps the typed value of a lone expression', () => {
    assert.deepEqual(evaluateTemplateValue(' ${{ matrix.flags }} ', scope), ['a', 'b']);
    assert.equal(evaluateTemplateValue('${{ matrix.node }}', scope), 20);
    assert.equal(evaluateTemplateValue('v${{ matrix.node }}', scope), 'v20');
    assert.equal(evaluateTemplateValue('plain', scope), 'plain');
  });
  it('finds a lone expression only', () => {
    assert.deepEqual(singleExpression('  ${{ a }}\n'), { kind: 'expr', text: ' a ', offset: 5 });
    assert.equal(singleExpression('${{ a }}${{ b }}'), undefined);
    assert.equal(singleExpression('x ${{ a }}'), undefined);
    assert.equal(singleExpression('x'), undefined);
  });
});
