import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { SseParser } from '../../api-client/index.js';
import type { LogLine } from '../../store/index.js';
import type { TempSqliteStore } from '../../store/sqlite/index.js';
import type { LiveHub } from './live-hub.js';
import { LogStream, type SseSink } from './log-stream.js';
import { logLine, openLogFixture } from '../../../test/helpers/log-fixture.js';

// LogStream over a real SQLite store and the real hub; the sink is a string buffer whose
// "socket backlog" the test controls (that is the only thing a real socket adds here).

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

/** Stores lines (durable) and then tells the hub, as the job queue does. */
async function store(seqs: number[], publish = true): Promise<void> {
  const lines = seqs.map(line);
  await temp.store.logs.append(lines);
  if (publish) hub.publishLogs(runId, 'j', lines);
}

async function finish(status: 'success' | 'failure' = 'success'): Promise<void> {
  await temp.store.runs.upsertJob({ runId, jobId: 'j', status });
  hub.publishRunChanged(runId);
}

class BufferSink implements SseSink {
  text = '';
  backlog = 0;
  ended = false;
  write(chunk: string): void {
    this.text += chunk;
  }
  bufferedBytes(): number {
    return this.backlog;
  }
  end(): void {
    this.ended = true;
  }
  events() {
    return new SseParser().push(this.text);
  }
  seqs(): number[] {
    return this.events().filter((e) => e.event === 'message').map((e) => Number(e.id));
  }
}

function open(after = 0, extra: Partial<ConstructorParameters<typeof LogStream>[0]> = {}): { stream: LogStream; sink: BufferSink } {
  const sink = new BufferSink();
  const stream = new LogStream({ store: temp.store, hub, runId, jobId: 'j', after, sink, pageSize: 3, ...extra });
  stream.start();
  return { stream, sink };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const settle = () => new Promise((r) => setTimeout(r, 20));
/** Waits for what must happen (a loaded machine takes its time); `settle` only gives what must not happen a chance. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 20_000; !check(); await new Promise((r) => setTimeout(r, 5))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

test('replay in pages, then live, then end: every line once, in order', async () => {
  await store(range(1, 7));
  const { stream, sink } = open();
  await until(() => sink.seqs().length === 7, 'the replay');
  assert.deepEqual(sink.seqs(), range(1, 7));
  await store([8, 9]);
  await store([10]);
  await settle();
  await finish('failure');
  assert.equal(await stream.done, 'job-ended');
  assert.deepEqual(sink.seqs(), range(1, 10));
  const end = sink.events().at(-1)!;
  assert.equal(end.event, 'end');
  assert.deepEqual(JSON.parse(end.data), { status: 'failure', reason: null, runStatus: 'queued', lastSeq: 10 });
  assert.match(sink.text, /^retry: 1000\n\n/);
  assert.equal(JSON.parse(sink.events()[0]!.data).line, 'line 1');
  assert.ok(sink.ended);
  assert.equal(hub.subscriberCount(), 0, 'ending unsubscribes');
});

test('lines stored during the replay are neither lost nor sent twice', async () => {
  await store(range(1, 9));
  const { stream, sink } = open();
  // Published while the first page read is in flight: buffered, then skipped up to what replay sent.
  await store(range(10, 12));
  await store([12, 13]); // a retried batch overlapping the last one
  await settle();
  await finish();
  await stream.done;
  assert.deepEqual(sink.seqs(), range(1, 13));
});

test('resume after a seq (Last-Event-ID): only later lines', async () => {
  await store(range(1, 5));
  const { stream, sink } = open(3);
  await settle();
  await finish();
  await stream.done;
  assert.deepEqual(sink.seqs(), [4, 5]);
});

test('missed news (a gap in the live batches) is filled from the store', async () => {
  const { stream, sink } = open();
  await settle();
  await store([1, 2]);
  await store([3, 4], false); // stored but never published
  await store([5]);
  await until(() => sink.seqs().length >= 5, 'the gap to be filled');
  assert.deepEqual(sink.seqs(), range(1, 5));
  await finish();
  await stream.done;
});

test('an overfull pending buffer is dropped and re-read, not lost', async () => {
  const { stream, sink } = open(0, { maxPendingLines: 2 });
  await store(range(1, 5));
  await store(range(6, 10));
  await finish();
  await stream.done;
  assert.deepEqual(sink.seqs(), range(1, 10));
});

test('a slow client is closed (it resumes with Last-Event-ID); a stopped stream unsubscribes', async () => {
  await store(range(1, 4));
  const { stream, sink } = open(0, { maxBufferedBytes: 100 });
  sink.backlog = 101;
  assert.equal(await stream.done, 'slow-client');
  assert.ok(sink.ended);
  assert.equal(hub.subscriberCount(), 0);
  const again = open(sink.seqs().at(-1) ?? 0);
  await until(() => [...sink.seqs(), ...again.sink.seqs()].length === 4, 'the resumed stream to replay the rest');
  assert.equal(hub.subscriberCount(), 2, 'logs + run subscriptions');
  again.stream.stop('client-gone');
  assert.equal(await again.stream.done, 'client-gone');
  assert.equal(hub.subscriberCount(), 0);
  assert.deepEqual([...sink.seqs(), ...again.sink.seqs()], range(1, 4));
});

test('a job already ended: replay then end at once; heartbeats are comments', async () => {
  await store(range(1, 2));
  await temp.store.runs.upsertJob({ runId, jobId: 'j', status: 'success' });
  const { stream, sink } = open(0, { heartbeatMs: 5 });
  assert.equal(await stream.done, 'job-ended');
  assert.deepEqual(sink.seqs(), [1, 2]);
  assert.equal(await open(2).stream.done, 'job-ended', 'nothing left to send: just the end');
  await temp.store.runs.upsertJob({ runId, jobId: 'j', status: 'running' });
  const held = open(2, { heartbeatMs: 5 });
  await until(() => /^: keepalive$/m.test(held.sink.text), 'a keepalive');
  held.stream.stop('server-closing');
  assert.equal(await held.stream.done, 'server-closing');
  assert.equal(hub.subscriberCount(), 0);
});

test('hub: subscriptions are independent and unsubscribe is idempotent; a throwing listener harms no one', () => {
  const got: number[] = [];
  const off1 = hub.subscribeLogs(1, 'a', () => {
    throw new Error('boom');
  });
  const off2 = hub.subscribeLogs(1, 'a', (lines) => got.push(...lines.map((l) => l.seq)));
  const off3 = hub.subscribeLogs(1, 'b', () => got.push(-1));
  hub.publishLogs(1, 'a', [{ ...line(1), runId: 1, jobId: 'a' }]);
  assert.deepEqual(got, [1]);
  assert.equal(hub.subscriberCount(), 3);
  off1();
  off1();
  off2();
  off3();
  assert.equal(hub.subscriberCount(), 0);
});
