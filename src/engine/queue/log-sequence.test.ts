import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentLogLine } from '../agent-port.js';
import { acceptInSequence } from './log-sequence.js';

const line = (seq: number): AgentLogLine => ({ seq, step: 0, stream: 'stdout', line: `l${seq}`, ts: 0 });
const seqs = (lines: AgentLogLine[]) => lines.map((l) => l.seq);

test('the next lines in order are taken; the answer is the last one', () => {
  const r = acceptInSequence(0, [line(1), line(2), line(3)]);
  assert.deepEqual(seqs(r.accepted), [1, 2, 3]);
  assert.equal(r.upTo, 3);
});

test('lines already stored are dropped (a resent batch adds nothing)', () => {
  const r = acceptInSequence(3, [line(2), line(3), line(4)]);
  assert.deepEqual(seqs(r.accepted), [4]);
  assert.equal(r.upTo, 4);
  assert.deepEqual(acceptInSequence(4, [line(1), line(4)]), { accepted: [], upTo: 4 });
});

test('a gap ends the batch: nothing after it is taken, the answer asks for the missing seq', () => {
  const r = acceptInSequence(2, [line(3), line(5), line(6)]);
  assert.deepEqual(seqs(r.accepted), [3]);
  assert.equal(r.upTo, 3);
  assert.deepEqual(acceptInSequence(2, [line(4), line(5)]), { accepted: [], upTo: 2 });
});

test('a batch out of order is taken in seq order', () => {
  assert.deepEqual(seqs(acceptInSequence(0, [line(2), line(1), line(3)]).accepted), [1, 2, 3]);
});
