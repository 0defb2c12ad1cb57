import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GantryError } from '../../core/index.js';
import { addRequest, setRequest } from './project.js';

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

test('project set flags become a PATCH with only what was given; off/none clear', () => {
  assert.deepEqual(setRequest({ branch: 'trunk' }), { defaultBranch: 'trunk' });
  assert.deepEqual(
    setRequest({ poll: 'off', maxConcurrentRuns: 'none', autoCancel: false, priority: '4', secret: false }),
    { pollInterval: null, webhookSecret: null, settings: { autoCancel: false, maxConcurrentRuns: null, priority: 4 } },
  );
  assert.deepEqual(setRequest({ secret: true }, 'from-stdin'), { webhookSecret: 'from-stdin' });
  assert.deepEqual(setRequest({ protect: 'production, staging', public: true }), { settings: { protectedEnvironments: ['production', 'staging'], public: true } });
  assert.deepEqual(setRequest({ protect: 'none', public: false }), { settings: { protectedEnvironments: [], public: false } });
});

test('project set without a change, or with a bad number, is a usage error', () => {
  assert.throws(() => setRequest({ secret: true }), (err: unknown) => err instanceof GantryError && err.code === 'CONFIG_INVALID' && /nothing to change/.test(err.message));
  assert.throws(() => setRequest({ maxConcurrentRuns: 'many' }), (err: unknown) => err instanceof GantryError && err.message === '--max-concurrent-runs "many": expected a whole number');
});
