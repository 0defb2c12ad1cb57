import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDemuxer } from './demux.js';

function frame(type: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('exec output demuxer', () => {
  it('delivers stdout and stderr frames apart, in order', () => {
    const got: string[] = [];
    const push = createDemuxer((stream, chunk) => got.push(`${stream}:${chunk.toString()}`));
    push(Buffer.concat([frame(1, 'out 1\n'), frame(2, 'err 1\n'), frame(1, 'out 2\n')]));
    assert.deepEqual(got, ['stdout:out 1\n', 'stderr:err 1\n', 'stdout:out 2\n']);
  });

  it('keeps frames whole when chunks cut through headers and payloads (one byte at a time)', () => {
    const got: string[] = [];
    const push = createDemuxer((stream, chunk) => got.push(`${stream}:${chunk.toString()}`));
    const bytes = Buffer.concat([frame(2, 'héllo'), frame(1, 'world')]);
    for (let i = 0; i < bytes.length; i++) push(bytes.subarray(i, i + 1));
    assert.deepEqual(got.join('|'), 'stderr:héllo|stdout:world');
  });
});
