// `gantry project show|set|rm` against a real `gantry server` process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProjectView } from '../../src/api-client/index.js';
import { runGantry } from '../helpers/server-process.js';
import { useCliServer } from './helpers/cli-server.js';

const s = useCliServer('cli-project');
const gantry = (args: string[], input?: string) => runGantry(args, s.env, input);

test('project show and set: flags change only what they name; the secret comes from stdin and works', async () => {
  assert.equal((await gantry(['project', 'add', 'site', '--repo', s.origin.bare])).code, 0);
  const shown = await gantry(['project', 'show', 'site']);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /^project site \(#1\)\n {2}repo: +\S+origin\.git\n/);
  assert.match(shown.stdout, /webhook secret: +not set\n/);

  const changed = await s.json<ProjectView>(['project', 'set', 'site', '--poll', '10m', '--max-concurrent-runs', '2', '--priority', '5', '--auto-cancel']);
  assert.deepEqual([changed.pollIntervalMs, changed.settings.maxConcurrentRuns, changed.settings.priority, changed.settings.autoCancel, changed.defaultBranch], [600_000, 2, 5, true, 'main']);
  const back = await s.json<ProjectView>(['project', 'set', 'site', '--poll', 'off', '--max-concurrent-runs', 'none', '--no-auto-cancel']);
  assert.deepEqual([back.pollIntervalMs, back.settings.maxConcurrentRuns, back.settings.priority, back.settings.autoCancel], [null, null, 5, false]);
  const guarded = await s.json<ProjectView>(['project', 'set', 'site', '--protect', 'production,staging', '--public']);
  assert.deepEqual([guarded.settings.protectedEnvironments, guarded.settings.public], [['production', 'staging'], true]);
  assert.match((await gantry(['project', 'show', 'site'])).stdout, /protected envs: +production, staging \(jobs wait for approval\)\n {2}public: +yes/);
  const open = await s.json<ProjectView>(['project', 'set', 'site', '--protect', 'none', '--no-public']);
  assert.deepEqual([open.settings.protectedEnvironments, open.settings.public], [[], false]);

  assert.equal((await s.push('site', 's3cret', 'before')).status, 401, 'no secret yet: webhooks are refused');
  const withSecret = await s.json<ProjectView>(['project', 'set', 'site', '--secret-stdin'], 's3cret\n');
  assert.equal(withSecret.hasSecret, true);
  const accepted = await s.push('site', 's3cret', 'd-1');
  assert.equal(accepted.status, 201, await accepted.text());

  const nothing = await gantry(['project', 'set', 'site']);
  assert.equal(nothing.code, 2);
  assert.match(nothing.stderr, /CONFIG_INVALID: nothing to change/);
  const bad = await gantry(['project', 'set', 'site', '--repo', '-uevil']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /API_INVALID_REQUEST: repoUrl/);
});

test('project rm needs --yes, then deletes the project', async () => {
  await s.settled('site');
  const unconfirmed = await gantry(['project', 'rm', 'site']);
  assert.equal(unconfirmed.code, 2);
  assert.match(unconfirmed.stderr, /pass --yes/);
  const removed = await gantry(['project', 'rm', 'site', '--yes']);
  assert.equal(removed.code, 0, removed.stderr);
  const gone = await gantry(['project', 'show', 'site']);
  assert.equal(gone.code, 2);
  assert.match(gone.stderr, /PROJECT_NOT_FOUND/);
});
