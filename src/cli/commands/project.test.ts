import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GantryError } from '../../core/index.js';
import { addRequest } from './project.js';

test('project add flags become the API request, leaving out what was not given', () => {
  assert.deepEqual(addRequest('web', { repo: '/srv/web.git' }), { name: 'web', repoUrl: '/srv/web.git' });
  assert.deepEqual(
    addRequest('web', { repo: 'git@h:a.git', forge: 'gitea', secret: 's', branch: 'trunk', poll: '5m', autoCancel: true, maxConcurrentRuns: '2', priority: '-3' }),
    { name: 'web', repoUrl: 'git@h:a.git', forge: 'gitea', secret: 's', defaultBranch: 'trunk', pollInterval: '5m', settings: { autoCancel: true, maxConcurrentRuns: 2, priority: -3 } },
  );
});

test('a non-numeric --priority is a usage error naming the flag', () => {
  assert.throws(
    () => addRequest('web', { repo: '/x', priority: 'high' }),
    (err: unknown) => err instanceof GantryError && err.code === 'CONFIG_INVALID' && err.message === '--priority "high": expected a whole number',
  );
});
