import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ReadyQueue } from './ready-queue.js';

test('pops in comparator order under any mix of pushes and pops', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(-1)), { maxLength: 200 }), (ops) => {
      const queue = new ReadyQueue<number>((a, b) => a > b);
      const model: number[] = [];
      for (const op of ops) {
        if (op === -1) {
          model.sort((a, b) => b - a);
          assert.equal(queue.pop(), model.shift());
        } else {
          queue.push(op);
          model.push(op);
        }
        assert.equal(queue.size, model.length);
      }
      assert.deepEqual(queue.drain().sort((a, b) => a - b), model.sort((a, b) => a - b));
      assert.equal(queue.size, 0);
    }),
  );
});
