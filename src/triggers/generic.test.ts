import assert from 'node:assert/strict';
import { test } from 'node:test';
import { genericDelivery, parsePostReceiveInput } from './generic.js';
import { parseWebhook } from './parse-webhook.js';
import { verifyWebhook } from './verify.js';

const before = '95790bf891e76fee5e1747ab589903a6a1f80f22';
const after = 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7';

test('genericDelivery → verifyWebhook accepts the bytes → parseWebhook yields the push', () => {
  const req = genericDelivery({ ref: 'refs/heads/release/1.x', before, after, repository: 'site' }, 's3cret', 'd-1');
  assert.deepEqual(verifyWebhook('generic', req.headers, Buffer.from(req.body), 's3cret'), { ok: true });
  assert.equal(verifyWebhook('generic', req.headers, Buffer.from(req.body), 'other').ok, false);
  const parsed = parseWebhook('generic', req.headers, JSON.parse(req.body));
  assert.deepEqual(parsed, {
    kind: 'event',
    deliveryId: 'd-1',
    forgeEvent: 'push',
    event: { name: 'push', branch: 'release/1.x', sha: after, repository: 'site' },
    ref: 'refs/heads/release/1.x',
    before,
    after,
    deleted: false,
  });
});

test('generic tags, deletions, other refs and bad bodies', () => {
  const parse = (update: { ref: string; before: string; after: string }) => {
    const req = genericDelivery(update, 'k', 'd');
    return parseWebhook('generic', req.headers, JSON.parse(req.body));
  };
  const tag = parse({ ref: 'refs/tags/v2.0.0', before: '0'.repeat(40), after });
  assert.equal(tag.kind === 'event' && tag.event.name === 'tag' && tag.event.tag, 'v2.0.0');
  assert.deepEqual(parse({ ref: 'refs/heads/old', before, after: '0'.repeat(40) }), { kind: 'ignored', deliveryId: 'd', forgeEvent: 'push', reason: 'branch deleted' });
  assert.equal(parse({ ref: 'refs/notes/commits', before, after }).kind, 'ignored');
  assert.equal(parse({ ref: 'refs/heads/x', before, after: 'HEAD' }).kind, 'invalid');
  // A SHA-256 repository's object names are 64 hex digits.
  assert.equal(parse({ ref: 'refs/heads/x', before: '0'.repeat(64), after: 'a'.repeat(64) }).kind, 'event');
  // Scripts may leave out X-Gantry-Event: push is the default.
  assert.equal(parseWebhook('generic', { 'X-Gantry-Delivery': 'z' }, { ref: 'refs/heads/x', before, after }).kind, 'event');
  assert.equal(parseWebhook('generic', { 'X-Gantry-Event': 'release' }, {}).kind, 'ignored');
});

test('parsePostReceiveInput reads git\'s "<old> <new> <ref>" lines and skips anything else', () => {
  const text = `${before} ${after} refs/heads/main\n${'0'.repeat(40)} ${after} refs/tags/v1\r\nnot a line\n\n`;
  assert.deepEqual(parsePostReceiveInput(text), [
    { before, after, ref: 'refs/heads/main' },
    { before: '0'.repeat(40), after, ref: 'refs/tags/v1' },
  ]);
});
