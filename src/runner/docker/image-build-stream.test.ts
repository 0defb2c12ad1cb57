import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { followProgress } from './image-build-stream.js';

/** Feeds these chunks to followProgress, as the engine's HTTP response would. */
async function follow(chunks: (string | Buffer)[]): Promise<{ lines: string[]; result: Awaited<ReturnType<typeof followProgress>> }> {
  const stream = new PassThrough();
  const lines: string[] = [];
  const done = followProgress(stream, (kind, line) => lines.push(`${kind}: ${line}`));
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  return { lines, result: await done };
}

describe('engine progress stream', () => {
  it('reads several messages in one chunk and one message across chunks, a character split across chunks kept whole', async () => {
    const euro = Buffer.from('{"stream":"price 5€\\n"}\n');
    const cut = euro.indexOf(0xe2) + 1;
    const { lines, result } = await follow([
      '{"stream":"STEP 1/2: FROM base\\n"}\n{"stream":"STEP 2/2: RUN echo hi\\n"}\n{"str',
      'eam":"hi\\n"}\n',
      euro.subarray(0, cut),
      euro.subarray(cut),
      '{"aux":{"ID":"sha256:abc"}}\n',
    ]);
    assert.deepEqual(lines, ['stdout: STEP 1/2: FROM base', 'stdout: STEP 2/2: RUN echo hi', 'stdout: hi', 'stdout: price 5€']);
    assert.deepEqual(result, { aux: [{ ID: 'sha256:abc' }], statuses: [] });
  });

  it('joins build output split over messages into whole lines, and flushes the last one', async () => {
    const { lines } = await follow(['{"stream":"part one, "}\n', '{"stream":"part two\\nlast without newline"}\n']);
    assert.deepEqual(lines, ['stdout: part one, part two', 'stdout: last without newline']);
  });

  it('keeps statuses (Podman puts the pushed digest there), leaves redrawn progress bars out, and reports the error', async () => {
    const { lines, result } = await follow([
      '{"status":"Pushing","progressDetail":{"current":1},"progress":"[=>   ]","id":"abc"}\n',
      '{"status":"1: digest: sha256:0cdb size: 579"}\n',
      '{"status":"Pushed","id":"abc"}\n',
      '{"errorDetail":{"message":"denied: requested access to the resource is denied\\n"},"error":"denied"}\n',
    ]);
    assert.deepEqual(lines, ['stdout: 1: digest: sha256:0cdb size: 579', 'stdout: abc: Pushed', 'stderr: denied: requested access to the resource is denied']);
    assert.equal(result.error, 'denied: requested access to the resource is denied');
    assert.deepEqual(result.statuses, ['1: digest: sha256:0cdb size: 579', 'Pushed']);
  });

  it('a line that is not JSON (a proxy page, say) goes to the log as it is', async () => {
    const { lines } = await follow(['<html>bad gateway</html>\n']);
    assert.deepEqual(lines, ['stdout: <html>bad gateway</html>']);
  });

  it('rejects when the connection breaks', async () => {
    const stream = new PassThrough();
    const done = followProgress(stream, () => undefined);
    stream.destroy(new Error('socket hang up'));
    await assert.rejects(done, /socket hang up/);
  });
});
