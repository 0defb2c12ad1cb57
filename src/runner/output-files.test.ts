import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseKeyValueFile } from './output-files.js';

describe('parseKeyValueFile', () => {
  it('reads key=value lines; later lines win; values keep = signs and spaces', () => {
    const r = parseKeyValueFile('a=1\nb= x = y \na=2\n\n', 'output');
    assert.deepEqual(r.values, { a: '2', b: ' x = y ' });
    assert.deepEqual(r.problems, []);
  });

  it('reads the multi-line form, CRLF included', () => {
    const r = parseKeyValueFile('notes<<EOF\r\nline 1\r\nkey=not a key\r\nEOF\r\nafter=yes\n', 'output');
    assert.deepEqual(r.values, { notes: 'line 1\nkey=not a key', after: 'yes' });
    assert.deepEqual(parseKeyValueFile('empty<<X\nX\n', 'output').values, { empty: '' });
  });

  it('key=value wins when = comes before <<', () => {
    assert.deepEqual(parseKeyValueFile('a=b<<c\n', 'output').values, { a: 'b<<c' });
  });

  it('reports invalid keys and lines without failing', () => {
    const r = parseKeyValueFile('bad key=1\n=2\njust text\n1abc=3\nok-name=4\n', 'output');
    assert.deepEqual(r.values, { 'ok-name': '4' });
    assert.equal(r.problems.length, 4);
    assert.match(r.problems[0]!, /line 1: invalid output name "bad key"/);
  });

  it('env names are stricter and GANTRY_OUTPUT/GANTRY_ENV cannot be exported', () => {
    const r = parseKeyValueFile('with-dash=1\nGANTRY_ENV=/tmp/x\nPATH_EXTRA=ok\n', 'env');
    assert.deepEqual(r.values, { PATH_EXTRA: 'ok' });
    assert.equal(r.problems.length, 2);
  });

  it('an unterminated multi-line value is a problem, not a crash', () => {
    const r = parseKeyValueFile('a=1\nx<<END\nline\n', 'output');
    assert.deepEqual(r.values, { a: '1' });
    assert.match(r.problems[0]!, /delimiter "END" never comes/);
  });

  it('does not let keys reach the prototype', () => {
    const r = parseKeyValueFile('__proto__=x\nconstructor=y\n', 'output');
    assert.equal(Object.getPrototypeOf(r.values), Object.prototype);
    assert.equal(r.values.constructor, 'y');
    assert.equal(Object.hasOwn(r.values, '__proto__'), true);
  });
});
