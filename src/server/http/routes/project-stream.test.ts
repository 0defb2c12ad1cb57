// GET /projects/{name}/stream over real HTTP (the real app with accounts, real SQLite): the list at
// once, a new run pushed without a request, filters applied, and a plain GET refused.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { RunList } from '../../../api-client/index.js';
import { bearer, codeOf, startAccountsApp, type AccountsApp } from '../../../../test/server/helpers/accounts.js';

let t: AccountsApp;
let token = '';
let base = '';

before(async () => {
  t = await startAccountsApp();
  token = await t.token(await t.user('s-viewer', { role: 'viewer' }));
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api/v1`;
});
after(() => t.close());

const push = (branch: string) => t.store.runs.create({ projectId: t.alpha.id, event: { name: 'push', branch, sha: 'b'.repeat(40) }, trigger: { kind: 'push' } });

/** Opens the stream and returns a function that waits for the next `event: runs`. */
async function open(query = '') {
  const controller = new AbortController();
  const res = await fetch(`${base}/projects/alpha/stream${query}`, { headers: { ...bearer(token), accept: 'text/event-stream' }, signal: controller.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const next = async (): Promise<RunList> => {
    for (;;) {
      const match = /event: runs\ndata: (.*)\n\n/.exec(buffer);
      if (match) {
        buffer = buffer.slice(match.index + match[0].length);
        return JSON.parse(match[1]!) as RunList;
      }
      const { value, done } = await reader.read();
      assert.ok(!done, 'the stream ended');
      buffer += value;
    }
  };
  return { next, close: () => controller.abort() };
}

test('the runs list at once, then a new run pushed by the server (no request), with the filter applied', async () => {
  await push('main');
  const all = await open();
  const onlyFeature = await open('?branch=feature');
  assert.deepEqual((await all.next()).runs.map((r) => r.number), [1]);
  assert.deepEqual((await onlyFeature.next()).runs, []);
  await push('feature');
  assert.deepEqual((await all.next()).runs.map((r) => `${r.number} ${r.branch}`), ['2 feature', '1 main']);
  assert.deepEqual((await onlyFeature.next()).runs.map((r) => r.number), [2]);
  all.close();
  onlyFeature.close();
});

test('a plain GET without Accept: text/event-stream is answered 400, not held open; a bad filter is 400 too', async () => {
  const plain = await t.app.inject({ url: '/api/v1/projects/alpha/stream', headers: bearer(token) });
  assert.equal(plain.statusCode, 400);
  assert.equal(codeOf(plain), 'API_INVALID_REQUEST');
  const bad = await t.app.inject({ url: '/api/v1/projects/alpha/stream?status=nope', headers: { ...bearer(token), accept: 'text/event-stream' } });
  assert.equal(codeOf(bad), 'API_INVALID_REQUEST');
  assert.match(bad.body, /unknown status nope/);
});
