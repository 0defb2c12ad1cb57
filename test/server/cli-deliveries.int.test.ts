// `gantry runs` filters, `gantry deliveries`, `gantry delivery show|replay` against a real `gantry server` process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeliveryDetailView, DeliveryView, ReplayAnswer, RunView } from '../../src/api-client/index.js';
import { runGantry } from '../helpers/server-process.js';
import { useCliServer } from './helpers/cli-server.js';

const s = useCliServer('cli-deliveries', { name: 'site', secret: 's3cret' });
const gantry = (args: string[], input?: string) => runGantry(args, s.env, input);

test('runs --event/--status, deliveries, delivery show and replay (a new delivery and a new run)', async () => {
  const pushed = await s.push('site', 's3cret', 'd-1');
  assert.equal(pushed.status, 201, await pushed.text());
  await s.settled('site');
  const pushes = await s.json<RunView[]>(['runs', 'site', '--event', 'push']);
  assert.deepEqual(pushes.map((r) => [r.number, r.event]), [[1, 'push']]);
  assert.deepEqual(await s.json<RunView[]>(['runs', 'site', '--event', 'tag']), []);

  const deliveries = await s.json<DeliveryView[]>(['deliveries', 'site']);
  const first = deliveries.find((d) => d.deliveryId === 'd-1')!;
  assert.equal(first.run, 1);
  const table = await gantry(['deliveries', 'site']);
  assert.match(table.stdout, /^ID\s+RECEIVED\s+FORGE\s+EVENT\s+OUTCOME\s+REASON\n/);
  assert.match(table.stdout, new RegExp(`\\n${first.id}\\s.*generic\\s+push\\s+accepted \\(run #1\\)`));

  const detail = await s.json<DeliveryDetailView>(['delivery', 'show', 'site', String(first.id)]);
  assert.equal(JSON.parse(detail.body).after, s.sha);
  assert.equal(detail.headers['x-gantry-signature'], undefined, 'signatures are not kept');

  const replay = await s.json<ReplayAnswer>(['delivery', 'replay', 'site', String(first.id)]);
  assert.equal(replay.run, 2);
  assert.equal(replay.delivery.replayOf, first.id);
  const said = await gantry(['delivery', 'replay', 'site', String(first.id)]);
  assert.match(said.stdout, /^replayed delivery \d+ as delivery \d+: started run #3 \(gantry run show site 3\)\n$/);
  const missing = await gantry(['delivery', 'show', 'site', '999']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /DELIVERY_NOT_FOUND/);
});
