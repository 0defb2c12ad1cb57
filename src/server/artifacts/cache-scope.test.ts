import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cacheScopes } from './cache-scope.js';

const sha = 'f'.repeat(40);

test('cache scopes: push, tag, other events by branch; the default branch reads only itself', () => {
  assert.deepEqual(cacheScopes({ name: 'push', branch: 'feature/x', sha }, 'main'), { own: 'branch:feature/x', reads: ['branch:feature/x', 'branch:main'] });
  assert.deepEqual(cacheScopes({ name: 'push', branch: 'main', sha }, 'main'), { own: 'branch:main', reads: ['branch:main'] });
  assert.deepEqual(cacheScopes({ name: 'tag', tag: 'v1.2.0', sha }, 'main'), { own: 'tag:v1.2.0', reads: ['tag:v1.2.0', 'branch:main'] });
  assert.deepEqual(cacheScopes({ name: 'cron', branch: 'release', sha }, 'main').own, 'branch:release');
  assert.deepEqual(cacheScopes({ name: 'manual', sha }, 'trunk'), { own: 'branch:trunk', reads: ['branch:trunk'] }, 'no branch: the default branch');
});

test('cache scopes: a pull request never writes the branch scopes, even one whose head branch is the default branch name (a fork)', () => {
  assert.deepEqual(cacheScopes({ name: 'pull_request', branch: 'main', sha, pullRequest: 42 }, 'main'), { own: 'pr:42', reads: ['pr:42', 'branch:main'] });
  assert.deepEqual(cacheScopes({ name: 'pull_request', branch: 'patch-1', sha }, 'main').own, `pr:commit:${sha}`, 'no number: a scope of its own');
});
