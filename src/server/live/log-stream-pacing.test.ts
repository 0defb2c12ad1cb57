import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { SseParser } from '../../api-client/index.js';
import type { LogLine } from '../../store/index.js';
import type { TempSqliteStore } from '../../store/sqlite/index.js';
import type { LiveHub } from './live-hub.js';
import { LogPages } from './log-pages.js';
import { LogStream, type SseSink } from './log-stream.js';
import { logLine, openLogFixture } from '../../../test/helpers/log-fixture.js';

// A peer that reads slower than lines arrive (a sink that can tell when it drained): the stream
// pauses instead of closing, and goes on from the store once drained. Real SQLite, real hub; the
// sink is a buffer whose backlog and 'drain' the test controls.

let temp: TempSqliteStore;
let hub: LiveHub;
let runId: number;

beforeEach(async () => {
  ({ temp, hub, runId } = await openLogFixture());
});

afterEach(async () => {
  await temp.cleanup();
});

const line = (seq: number): LogLine => logLine(runId, seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const settle = () => new Promise((r) => setTimeout(r, 30));

async function store(seqs: number[]): Promise<void> {
  const lines = seqs.map(line);
  await temp.store.logs.append(lines);
  hub.publishLogs(runId, 'j', lines);
}

/** Every write adds to the backlog; `drain()` empties it and tells the stream. */
class PacedSink implements SseSink {
  text = '';
  backlog = 0;
  ended = false;
  #waiting: (() => void)[] = [];
  write(chunk: string): void {
    this.text += chunk;
    this.backlog += chunk.length;
  }
  bufferedBytes(): number {
    return this.backlog;
  }
  end(): void {
    this.ended = true;
  }
  drained(): Promise<void> {
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
  drain(): void {
    this.backlog = 0;
    for (const resolve of this.#waiting.splice(0)) resolve();
  }
  seqs(): number[] {
    return new SseParser().push(this.text).filter((e) => e.event === 'message').map((e) => Number(e.id));
  }
}

test('a peer that falls behind is paused, not closed: it gets every line once, in order, then the end', async () => {
  const sink = new PacedSink();
  const stream = new LogStream({ store: temp.store, hub, runId, jobId: 'j', after: 0, sink, pageSize: 4, pages: new LogPages(), maxBufferedBytes: 300, heartbeatMs: 60_000 });
  stream.start();
  await store(range(1, 3));
  for (const deadline = Date.now() + 20_000; sink.seqs().length < 3 && Date.now() < deadline; ) await settle();
  assert.deepEqual(sink.seqs(), [1, 2, 3]);
  await store(range(4, 6)); // over the budget now: paused
  await settle();
  const sent = sink.seqs().length;
  await store(range(7, 12));
  await store(range(13, 20));
  await settle();
  assert.equal(sink.seqs().length, sent, 'nothing more is written while the peer is behind');
  assert.equal(sink.ended, false);
  await temp.store.runs.upsertJob({ runId, jobId: 'j', status: 'success' });
  hub.publishRunChanged(runId);
  for (const deadline = Date.now() + 10_000; !sink.ended && Date.now() < deadline; ) {
    sink.drain();
    await settle();
  }
  assert.equal(await stream.done, 'job-ended');
  assert.deepEqual(sink.seqs(), range(1, 20));
  assert.match(sink.text, /event: end\ndata: .*"lastSeq":20/);
});

test('a peer that takes nothing for a whole heartbeat interval is closed (it resumes with Last-Event-ID)', async () => {
  await temp.store.logs.append(range(1, 10).map(line));
  const sink = new PacedSink();
  const stream = new LogStream({ store: temp.store, hub, runId, jobId: 'j', after: 0, sink, pageSize: 4, maxBufferedBytes: 100, heartbeatMs: 20 });
  stream.start();
  assert.equal(await stream.done, 'slow-client');
  assert.ok(sink.ended);
  assert.equal(hub.subscriberCount(), 0);
});
