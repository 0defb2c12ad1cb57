import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { demultiplexed, lastLines } from './service-logs.js';

function frame(stream: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('service logs', () => {
  it('stdout and stderr frames are joined in the order they were written', () => {
    assert.equal(demultiplexed(Buffer.concat([frame(1, 'out 1\n'), frame(2, 'err 1\n'), frame(1, 'out 2\n')])), 'out 1\nerr 1\nout 2\n');
  });

  it('a frame cut short (truncated input) is left out rather than misread', () => {
    assert.equal(demultiplexed(Buffer.concat([frame(1, 'whole\n'), frame(1, 'abcdef').subarray(0, 10)])), 'whole\n');
  });

  it('keeps the last lines, without an empty one for the final newline, and handles CRLF', () => {
    assert.deepEqual(lastLines('a\r\nb\nc\n', 2), ['b', 'c']);
    assert.deepEqual(lastLines('', 20), []);
  });
});
