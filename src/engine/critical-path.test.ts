import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildJobGraph } from './critical-path.js';
import { planJob } from './test-support.js';

test('priority = own estimate + longest chain of dependents; skipped jobs weigh nothing', () => {
  const jobs = [
    planJob('a'),
    planJob('b', { needs: ['a'] }),
    planJob('c', { needs: ['a'] }),
    planJob('d', { needs: ['b', 'c'] }),
    planJob('gone', { needs: ['a'], skip: { reason: 'x' } }),
  ];
  const graph = buildJobGraph(jobs, new Map([['a', 5], ['b', 10], ['c', 30], ['d', 1], ['gone', 1000]]));
  assert.deepEqual(graph.priority, [36, 11, 31, 1, 0]);
  assert.deepEqual(graph.dependents[0], [1, 2, 4]);
  assert.equal(graph.blocked.size, 0);
});

test('unknown estimates use the median of known ones, or 1 when none is known', () => {
  const jobs = [planJob('a'), planJob('b'), planJob('c'), planJob('d')];
  assert.deepEqual(buildJobGraph(jobs, new Map([['a', 10], ['b', 20], ['c', 60]])).estimates, [10, 20, 60, 20]);
  assert.deepEqual(buildJobGraph(jobs).estimates, [1, 1, 1, 1]);
});

test('cycles and what waits behind them are blocked; unknown needs are listed', () => {
  const jobs = [planJob('x', { needs: ['y'] }), planJob('y', { needs: ['x'] }), planJob('z', { needs: ['y'] }), planJob('u', { needs: ['nope'] })];
  const graph = buildJobGraph(jobs);
  assert.deepEqual([...graph.blocked].sort(), [0, 1, 2]);
  assert.deepEqual(graph.unknownNeeds.get(3), ['nope']);
});
