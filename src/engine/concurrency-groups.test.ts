import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Run } from '../store/index.js';
import { groupHolders, groupOf, groupWaits, takenFrom } from './concurrency-groups.js';

let nextId = 1;
function run(number: number, group?: string, options: { projectId?: number; cancel?: boolean; status?: Run['status'] } = {}): Run {
  const plan = { jobs: [], ...(group !== undefined && { concurrency: { group, cancelInProgress: options.cancel ?? false } }) } as unknown as Run['plan'];
  return { id: nextId++, projectId: options.projectId ?? 1, number, status: options.status ?? 'queued', plan } as Run;
}

test('groupOf: per project; no concurrency or an empty group is no group', () => {
  assert.equal(groupOf(run(1)), undefined);
  assert.equal(groupOf(run(1, '  ')), undefined);
  assert.notEqual(groupOf(run(1, 'g', { projectId: 1 }))!.key, groupOf(run(1, 'g', { projectId: 2 }))!.key);
  assert.equal(groupOf(run(1, 'ci-${{ steps.x }}'))!.group, 'ci-${{ steps.x }}', 'an unevaluated template is the group as written');
});

test('groupWaits: only the oldest queued run of a free group may start; a held group holds all', () => {
  const [a, b, c] = [run(3, 'g'), run(4, 'g'), run(5, 'h')];
  const waits = groupWaits([b!, a!, c!], new Map());
  assert.deepEqual([...waits], [[b!.id, 'concurrency group g waiting behind run #3']]);

  const holder = run(2, 'g', { status: 'running' });
  const held = groupWaits([a!, b!, c!], groupHolders([holder, run(9, 'h', { projectId: 2, status: 'running' })]));
  assert.deepEqual([...held].sort(), [
    [a!.id, 'concurrency group g held by run #2'],
    [b!.id, 'concurrency group g held by run #2'],
  ]);
});

test('takenFrom: with cancelInProgress the older runs of the same group in the same project, else none', () => {
  const holder = run(1, 'g', { status: 'running' });
  const older = run(2, 'g');
  const otherGroup = run(3, 'h');
  const otherProject = run(1, 'g', { projectId: 2 });
  const taker = run(4, 'g', { cancel: true });
  const newer = run(5, 'g');
  const all = [holder, older, otherGroup, otherProject, taker, newer];
  assert.deepEqual(takenFrom(taker, all).map((r) => r.number), [1, 2]);
  assert.deepEqual(takenFrom(run(6, 'g'), all), []);
});
