// ProjectRunsWatch with the real hub, a recording sink and a list the test changes: what is sent,
// when, and that its subscriptions follow the runs in the list.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLiveHub } from './live-hub.js';
import { ProjectRunsWatch } from './project-runs-stream.js';
import type { SseSink } from './log-stream.js';

function recorder(): SseSink & { events: () => string[]; ended: () => boolean } {
  let text = '';
  let ended = false;
  return {
    write: (chunk) => void (text += chunk),
    bufferedBytes: () => 0,
    end: () => void (ended = true),
    drained: async () => {},
    events: () => [...text.matchAll(/event: runs\ndata: (.*)\n\n/g)].map((m) => m[1]!),
    ended: () => ended,
  };
}

const until = async (check: () => boolean, what: string) => {
  for (const deadline = Date.now() + 20_000; !check(); await new Promise((r) => setTimeout(r, 5))) assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
};

test('sends the list at once, again on hub news of a run in it, never the same list twice; follows the runs in the list', async () => {
  const hub = createLiveHub();
  const sink = recorder();
  let list = [{ id: 7, status: 'running' }];
  const watch = new ProjectRunsWatch({ hub, sink, pollMs: 60_000, coalesceMs: 5, load: async () => ({ view: { runs: list }, runIds: list.map((r) => r.id) }) });
  watch.start();
  await until(() => sink.events().length === 1, 'the first snapshot');
  assert.deepEqual(watch.watchedRuns(), [7]);
  hub.publishRunChanged(7);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(sink.events().length, 1, 'unchanged list: nothing sent');
  list = [{ id: 7, status: 'success' }];
  hub.publishRunChanged(7);
  await until(() => sink.events().length === 2, 'the changed snapshot');
  assert.match(sink.events()[1]!, /"success"/);
  hub.publishRunChanged(99);
  list = [{ id: 8, status: 'queued' }];
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(sink.events().length, 2, 'news of a run not in the list is not listened to');
  watch.stop('client-gone');
  assert.equal(await watch.done, 'client-gone');
  assert.ok(sink.ended());
  assert.equal(hub.subscriberCount(), 0, 'stopping drops every subscription');
});

test('a new run (no hub news for it yet) is found by the re-read every pollMs, and its news is then followed', async () => {
  const hub = createLiveHub();
  const sink = recorder();
  let list: { id: number; status: string }[] = [];
  const watch = new ProjectRunsWatch({ hub, sink, pollMs: 40, coalesceMs: 5, load: async () => ({ view: { runs: list }, runIds: list.map((r) => r.id) }) });
  watch.start();
  await until(() => sink.events().length === 1, 'the empty list');
  list = [{ id: 3, status: 'queued' }];
  await until(() => sink.events().length === 2, 'the new run');
  assert.deepEqual(watch.watchedRuns(), [3]);
  watch.stop('client-gone');
});

test('a failing read ends the stream as failed and reports the error', async () => {
  const sink = recorder();
  const errors: unknown[] = [];
  const watch = new ProjectRunsWatch({ hub: createLiveHub(), sink, load: () => Promise.reject(new Error('store down')), onError: (err) => errors.push(err) });
  watch.start();
  assert.equal(await watch.done, 'failed');
  assert.equal((errors[0] as Error).message, 'store down');
  assert.ok(sink.ended());
});
