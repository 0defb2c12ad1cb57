import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rewriteRunScript } from './run-script.js';

describe('rewriteRunScript', () => {
  it('replaces each expression by an env reference and keeps the template in env', () => {
    const result = rewriteRunScript('echo "${{ git.branch }}" ${{matrix.node}}\necho ${{ git.branch }}');
    assert.ok(result.ok);
    assert.equal(result.value.script, 'echo "${GANTRY_EXPR_0}" ${GANTRY_EXPR_1}\necho ${GANTRY_EXPR_0}');
    assert.deepEqual(result.value.env, { GANTRY_EXPR_0: '${{ git.branch }}', GANTRY_EXPR_1: '${{ matrix.node }}' });
  });

  it('leaves a script without expressions alone', () => {
    const result = rewriteRunScript('echo $HOME ${X} {{ not }}');
    assert.ok(result.ok);
    assert.equal(result.value.script, 'echo $HOME ${X} {{ not }}');
    assert.deepEqual(result.value.env, {});
  });

  it('skips names the step already uses', () => {
    const result = rewriteRunScript('echo ${{ git.sha }}', new Set(['GANTRY_EXPR_0']));
    assert.ok(result.ok);
    assert.equal(result.value.script, 'echo ${GANTRY_EXPR_1}');
  });

  it('reports an unclosed expression', () => {
    const result = rewriteRunScript('echo ${{ git.sha');
    assert.equal(result.ok, false);
  });
});
