// Live logs end to end in one process: startServer (real SQLite, real git origin, embedded agent
// running real shell steps), the SSE route over real HTTP on 127.0.0.1, and the api-client follow.
import assert from 'node:assert/strict';
import { createServer, connect as tcpConnect, type Server } from 'node:net';
import { after, before, test } from 'node:test';
import { createApiClient, SseParser, type ApiClient, type FollowEvent } from '../../api-client/index.js';
import type { GantryError } from '../../core/index.js';
import type { RunningServer } from '../index.js';
import { LIVE_TOKEN, startLiveTestServer, type LiveTestServer } from './live-test-server.js';

let live: LiveTestServer;
let server: RunningServer;
let api: ApiClient;
const TOKEN = LIVE_TOKEN;

before(async () => {
  live = await startLiveTestServer();
  ({ server, api } = live);
});

after(() => live.cleanup());

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const echoed = (lines: { line: string }[]) => lines.map((l) => l.line).filter((l) => /^line \d+$/.test(l));
const LINES = range(1, 20).map((i) => `line ${i}`);

const trigger = (inputs: Record<string, string> = {}) => live.trigger(inputs);

// How soon lines arrive is measured in live-latency.perf.test.ts.
test('follow from the start: every line once, in order, then end', async () => {
  const run = await trigger();
  const got: { seq: number; line: string }[] = [];
  let end: Extract<FollowEvent, { type: 'end' }>['end'] | undefined;
  for await (const event of api.runs.follow('live', run.number, 'talk')) {
    if (event.type === 'line') got.push(event.line);
    else end = event.end;
  }
  assert.deepEqual(got.map((l) => l.seq), range(1, got.length), 'seq 1..n, no gap, no duplicate');
  assert.deepEqual(echoed(got), LINES);
  assert.deepEqual(end, { status: 'success', reason: null, runStatus: end?.runStatus, lastSeq: got.length });
  const stored = await api.runs.logs('live', run.number, 'talk');
  assert.deepEqual(got.map(({ seq, line }) => ({ seq, line })), stored.lines.map(({ seq, line }) => ({ seq, line })), 'the stream is the stored log');
  await until(() => server.live.subscriberCount() === 0, 'no subscribers left');
});

test('resume with Last-Event-ID mid-stream: no gap, no duplicate; leaving mid-stream unsubscribes', async () => {
  const run = await trigger();
  const first: number[] = [];
  for await (const event of api.runs.follow('live', run.number, 'talk')) {
    assert.equal(event.type, 'line');
    if (event.type === 'line') first.push(event.line.seq);
    if (event.type === 'line' && event.line.line === 'line 5') break;
  }
  await until(() => server.live.subscriberCount() === 0, 'the server to drop the subscription of a client that left');
  assert.notEqual((await api.runs.get('live', run.number)).status, 'success', 'left while the job was still running');

  const last = first.at(-1)!;
  const response = await fetch(`${server.url}/api/v1/projects/live/runs/${run.number}/jobs/talk/logs/stream?after=1`, {
    headers: { authorization: `Bearer ${TOKEN}`, 'last-event-id': String(last) },
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  assert.equal(response.headers.get('cache-control'), 'no-cache, no-transform');
  const text = await response.text(); // the server ends the response after `event: end`
  assert.match(text, /^retry: \d+\n\n/);
  const events = new SseParser().push(text);
  const rest = events.filter((e) => e.event === 'message');
  assert.deepEqual(rest.map((e) => Number(e.id)), rest.map((e) => (JSON.parse(e.data) as { seq: number }).seq), 'id is the seq');
  const all = [...first, ...rest.map((e) => Number(e.id))];
  assert.deepEqual(all, range(1, all.length), 'no gap, no duplicate across the reconnect');
  assert.equal(events.at(-1)?.event, 'end');
  const stored = await api.runs.logs('live', run.number, 'talk');
  assert.equal(stored.next, all.length);

  // Replay of a finished job with ?after= only (no header).
  const replay = [];
  for await (const event of api.runs.follow('live', run.number, 'talk', { after: 3 })) replay.push(event);
  assert.deepEqual(replay.filter((e) => e.type === 'line').map((e) => (e.type === 'line' ? e.line.seq : 0)), range(4, all.length));
  assert.equal(replay.at(-1)?.type, 'end');
});

/** A TCP proxy that cuts the first connection after `cutAfter` bytes from the server. */
async function flakyProxy(target: string, cutAfter: number): Promise<{ url: string; connections: number; close(): void }> {
  const { hostname, port } = new URL(target);
  const state = { url: '', connections: 0, close: () => undefined as void };
  const proxy: Server = createServer((client) => {
    const n = ++state.connections;
    const upstream = tcpConnect(Number(port), hostname);
    let bytes = 0;
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      client.write(chunk);
      if (n === 1 && bytes > cutAfter) {
        client.destroy();
        upstream.destroy();
      }
    });
    upstream.on('end', () => client.end());
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
  state.close = () => void proxy.close();
  return state;
}

test('a dropped connection is resumed by the client: every line exactly once', async () => {
  const run = await trigger();
  const proxy = await flakyProxy(server.url, 1500);
  try {
    const flaky = createApiClient({ baseUrl: proxy.url, token: TOKEN });
    const seqs: number[] = [];
    let end = false;
    for await (const event of flaky.runs.follow('live', run.number, 'talk')) {
      if (event.type === 'line') seqs.push(event.line.seq);
      else end = true;
    }
    assert.ok(proxy.connections >= 2, 'the first connection was cut and the client reconnected');
    assert.ok(end);
    assert.deepEqual(seqs, range(1, seqs.length));
    assert.deepEqual(seqs.length, (await api.runs.logs('live', run.number, 'talk')).next);
  } finally {
    proxy.close();
  }
});

test('errors before the stream opens are problem answers', async () => {
  const run = await trigger();
  const first = async (client: ApiClient, job: string) => {
    for await (const event of client.runs.follow('live', run.number, job)) return event;
    return undefined;
  };
  await assert.rejects(first(api, 'nope'), (err: GantryError) => err.code === 'RUN_JOB_NOT_FOUND');
  await assert.rejects(first(createApiClient({ baseUrl: server.url }), 'talk'), (err: GantryError) => err.code === 'AUTH_REQUIRED');
  const bad = await fetch(`${server.url}/api/v1/projects/live/runs/${run.number}/jobs/talk/logs/stream`, {
    headers: { authorization: `Bearer ${TOKEN}`, 'last-event-id': 'seven' },
  });
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as { code: string }).code, 'API_INVALID_REQUEST');
  await until(async () => (await api.runs.get('live', run.number)).status === 'success', 'the run to finish');
});

test('server stop ends open streams at once (followers are not a reason to wait)', async () => {
  const run = await trigger({ nap: 'yes' });
  const response = await fetch(`${server.url}/api/v1/projects/live/runs/${run.number}/jobs/nap/logs/stream`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const reader = response.body!.getReader();
  await reader.read(); // retry hint: the stream is open
  await until(() => server.live.subscriberCount() === 2, 'the stream to subscribe');
  let drained = false;
  const stopping = server.stop('test').then(() => (drained = true));
  for (;;) if ((await reader.read()).done) break;
  // An order, not a time: the nap job holds the stop in its drain for the whole 1 s grace.
  assert.equal(drained, false, 'the stream ended before the drain');
  await stopping;
  assert.equal(server.live.subscriberCount(), 0);
});
