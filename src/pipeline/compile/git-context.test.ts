import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gitContext } from './git-context.js';

describe('gitContext', () => {
  it('fills refs and the short sha, with absent values as empty strings', () => {
    assert.deepEqual(gitContext({ name: 'push', branch: 'release/1', sha: '0123456789abcdef' }), {
      event: 'push',
      branch: 'release/1',
      base_branch: '',
      tag: '',
      ref: 'refs/heads/release/1',
      sha: '0123456789abcdef',
      sha_short: '0123456',
      message: '',
      author: '',
      repository: '',
    });
    const tag = gitContext({ name: 'tag', tag: 'v1.0.0', branch: 'main', sha: 'abc', message: 'm', author: 'a', repository: 'r' });
    assert.equal(tag.ref, 'refs/tags/v1.0.0');
    assert.equal(tag.sha_short, 'abc');
    assert.deepEqual([tag.message, tag.author, tag.repository], ['m', 'a', 'r']);
    const pr = gitContext({ name: 'pull_request', branch: 'feature', baseBranch: 'main', sha: '' });
    assert.deepEqual([pr.ref, pr.base_branch, pr.sha_short], ['refs/heads/feature', 'main', '']);
  });
});
