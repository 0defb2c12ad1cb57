import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createBatchedWriter } from './batched-writer.js';

test('writes everything, in order, in one write per event-loop turn', async () => {
  const writes: string[] = [];
  const out = createBatchedWriter({ write: (t: string) => writes.push(t) });
  out.write('a\n');
  out.write('b\n');
  assert.deepEqual(writes, []);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(writes, ['a\nb\n']);
  out.write('c\n');
  out.flush();
  assert.deepEqual(writes, ['a\nb\n', 'c\n']);
});

test('flushes at once when much is pending', () => {
  const writes: string[] = [];
  const out = createBatchedWriter({ write: (t: string) => writes.push(t) });
  out.write('x'.repeat(70 * 1024));
  assert.equal(writes.length, 1);
});
