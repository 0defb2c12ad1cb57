import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findCycle, topologicalOrder } from './dag.js';

const graph = (edges: Record<string, string[]>): Map<string, string[]> => new Map(Object.entries(edges));

test('findCycle names the cycle, closed, starting where it was entered', () => {
  assert.deepEqual(findCycle(graph({ build: ['test'], test: ['build'] })), ['build', 'test', 'build']);
  assert.deepEqual(findCycle(graph({ a: [], b: ['c'], c: ['d'], d: ['b'] })), ['b', 'c', 'd', 'b']);
  assert.deepEqual(findCycle(graph({ a: ['a'] })), ['a', 'a']);
  assert.equal(findCycle(graph({ a: [], b: ['a'], c: ['a', 'b'] })), undefined);
  assert.equal(findCycle(graph({ a: ['missing'] })), undefined, 'unknown names are ignored');
});

test('topologicalOrder puts needs first and keeps file order for ties', () => {
  assert.deepEqual(topologicalOrder(graph({ deploy: ['image'], lint: [], image: ['lint', 'test'], test: [] })), ['lint', 'test', 'image', 'deploy']);
  assert.equal(topologicalOrder(graph({ a: ['b'], b: ['a'] })), undefined);
});

test('a long chain neither overflows the stack nor takes long', () => {
  const edges: Record<string, string[]> = {};
  for (let i = 0; i < 20_000; i++) edges[`j${i}`] = i === 0 ? [] : [`j${i - 1}`];
  const g = graph(edges);
  assert.equal(findCycle(g), undefined);
  assert.equal(topologicalOrder(g)?.[19_999], 'j19999');
  g.set('j0', ['j19999']);
  assert.equal(findCycle(g)?.length, 20_001);
});
