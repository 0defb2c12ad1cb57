import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Plan } from '../pipeline/index.js';
import type { Run, Store } from '../store/index.js';
import { finished, harness, waitFor } from '../../test/helpers/service-harness.js';
import { compilePlan } from '../../test/helpers/compile-plan.js';

/*
 * Concurrency groups with real parts: a SQLite store in a temp dir, the run service and the
 * embedded agent (capacity 2, so only the group keeps runs apart) running real processes. Each
 * run's step writes its wall-clock start and end (ms) to a file, so overlap is measured from what
 * actually ran, not only from stored statuses.
 */

const compile = (yaml: string, branch = 'main'): Plan => compilePlan(yaml, { branch, sha: 'a'.repeat(40) });

/** One job whose step records "start end" ms in `<dir>/<name>`, sleeping `seconds` between. */
const timed = (dir: string, name: string, seconds: number, concurrency: string, extra = '') =>
  compile(`version: 1
on: { push: {} }
concurrency: ${concurrency}
jobs:
  work:
    checkout: false
    ${extra}
    steps:
      - run: 'echo $(date +%s%3N) > "${dir}/${name}.start"; ${seconds === 0 ? 'true' : `sleep ${seconds}`}; echo $(date +%s%3N) > "${dir}/${name}.end"'
`);

const ms = (dir: string, file: string) => Number(readFileSync(join(dir, file), 'utf8').trim());

async function waitingReason(store: Store, run: Run, reason: string): Promise<void> {
  await waitFor(`run #${run.number} to wait with "${reason}"`, async () => {
    const now = await store.runs.get(run.id);
    return now?.status === 'queued' && now.reason === reason;
  });
}

test('two runs of one group: the second waits with the reason and starts only after the first ended', async (t) => {
  const h = await harness(t);
  const { service } = await h.start();
  const first = await h.queue(timed(h.work, 'one', 0.6, '{ group: "deploy-${{ git.branch }}" }'));
  service.kick();
  await waitFor('the first run to run', async () => existsSync(join(h.work, 'one.start')));
  const second = await h.queue(timed(h.work, 'two', 0, '{ group: "deploy-${{ git.branch }}" }'));
  service.kick();
  await waitingReason(h.store, second, `concurrency group deploy-main held by run #${first.number}`);
  assert.ok(!existsSync(join(h.work, 'two.start')), 'the second did not start');

  const a = await finished(h.store, first.id);
  const b = await finished(h.store, second.id);
  assert.deepEqual([a.status, b.status], ['success', 'success']);
  assert.equal(b.reason, null, 'the reason is cleared when it starts');
  assert.ok(ms(h.work, 'two.start') >= ms(h.work, 'one.end'), 'the steps never overlapped');
  assert.ok(b.startedAt! >= a.finishedAt!, `run #2 started ${b.startedAt} before run #1 ended ${a.finishedAt}`);
});

test('three queued runs of one group start oldest first, one at a time', async (t) => {
  const h = await harness(t);
  const runs = [];
  for (const name of ['r1', 'r2', 'r3']) runs.push(await h.queue(timed(h.work, name, 0.2, '{ group: g }')));
  await h.start();
  const ended = [];
  for (const run of runs) ended.push(await finished(h.store, run.id));
  assert.deepEqual(ended.map((r) => r.status), ['success', 'success', 'success']);
  assert.ok(ms(h.work, 'r2.start') >= ms(h.work, 'r1.end') && ms(h.work, 'r3.start') >= ms(h.work, 'r2.end'), 'in order, no overlap');
});

test('cancel_in_progress: a new run cancels the holder with the reason, then runs after it stopped', async (t) => {
  const h = await harness(t);
  const { service } = await h.start();
  const group = '{ group: deploy, cancel_in_progress: true }';
  const holder = await h.queue(timed(h.work, 'old', 30, group));
  service.kick();
  await waitFor('the holder to run', async () => existsSync(join(h.work, 'old.start')));
  const taker = await h.queue(timed(h.work, 'new', 0, group));
  service.kick();

  const canceled = await finished(h.store, holder.id);
  assert.equal(canceled.status, 'canceled');
  assert.equal(canceled.reason, `canceled: concurrency group deploy taken by run #${taker.number}`);
  assert.ok(!existsSync(join(h.work, 'old.end')), 'the holder was stopped, not waited for');
  const done = await finished(h.store, taker.id);
  assert.equal(done.status, 'success', done.reason ?? '');
  assert.ok(done.startedAt! >= canceled.finishedAt!, 'the taker started after the holder ended');
});

test('cancel_in_progress also cancels older queued runs of the group; the newest runs', async (t) => {
  const h = await harness(t);
  const group = '{ group: deploy, cancel_in_progress: true }';
  const older = [await h.queue(timed(h.work, 'q1', 0, group)), await h.queue(timed(h.work, 'q2', 0, group))];
  const newest = await h.queue(timed(h.work, 'q3', 0, group));
  await h.start();
  assert.equal((await finished(h.store, newest.id)).status, 'success');
  for (const run of older) {
    const ended = await finished(h.store, run.id);
    assert.deepEqual([ended.status, ended.reason], ['canceled', `canceled: concurrency group deploy taken by run #${newest.number}`]);
  }
  assert.ok(!existsSync(join(h.work, 'q1.start')) && !existsSync(join(h.work, 'q2.start')), 'the older ones never ran');
});

test('runs of different groups, and of a group in another project, run at the same time', async (t) => {
  const h = await harness(t, { capacity: 3 });
  const { service } = await h.start();
  const other = await h.store.projects.create({ name: 'other', repoUrl: '/nonexistent', forge: 'generic' });
  const a = await h.queue(timed(h.work, 'a', 1, '{ group: alpha }'));
  const b = await h.queue(timed(h.work, 'b', 1, '{ group: beta }'));
  const plan = timed(h.work, 'c', 1, '{ group: alpha }');
  const c = await h.store.runs.create({ projectId: other.id, event: plan.event, trigger: { kind: 'push' }, plan });
  service.kick();
  const ended = [await finished(h.store, a.id), await finished(h.store, b.id), await finished(h.store, c.id)];
  assert.deepEqual(ended.map((r) => r.status), ['success', 'success', 'success']);
  const lastStart = Math.max(ms(h.work, 'a.start'), ms(h.work, 'b.start'), ms(h.work, 'c.start'));
  const firstEnd = Math.min(ms(h.work, 'a.end'), ms(h.work, 'b.end'), ms(h.work, 'c.end'));
  assert.ok(lastStart < firstEnd, 'all three ran at once');
});

test('after a restart the holder (still running in the store) keeps the group: the second run waits, then runs', async (t) => {
  const h = await harness(t);
  // Attempt 1 is lost with the server; the resumed attempt 2 holds the group for a second.
  const slow = (name: string) =>
    compile(`version: 1
on: { push: {} }
concurrency: { group: deploy }
jobs:
  work:
    checkout: false
    retry: { max: 1, on: [infrastructure], backoff: 10ms }
    steps:
      - run: 'echo $(date +%s%3N) >> "${h.work}/${name}.start"; if [ "$GANTRY_ATTEMPT" = 1 ]; then sleep 30; else sleep 1; fi; echo $(date +%s%3N) > "${h.work}/${name}.end"'
`);
  const holder = await h.queue(slow('holder'));
  const first = await h.start();
  await waitFor('the holder to run', async () => existsSync(join(h.work, 'holder.start')));
  const second = await h.queue(timed(h.work, 'second', 0, '{ group: deploy }'));
  first.service.kick();
  await waitingReason(h.store, second, `concurrency group deploy held by run #${holder.number}`);
  // crash: the service vanishes (nothing more recorded), then its processes die
  await first.service.close();
  await first.agent.stop({ drain: false });
  assert.equal((await h.store.runs.get(holder.id))?.status, 'running');

  const reopened = await h.temp.reopen();
  await h.start(reopened);
  await waitFor('the resumed attempt to run', async () => readFileSync(join(h.work, 'holder.start'), 'utf8').trim().split('\n').length === 2);
  const meanwhile = await reopened.runs.get(second.id);
  assert.deepEqual([meanwhile?.status, meanwhile?.reason], ['queued', `concurrency group deploy held by run #${holder.number}`]);
  assert.ok(!existsSync(join(h.work, 'second.start')));

  const a = await finished(reopened, holder.id);
  const b = await finished(reopened, second.id);
  assert.deepEqual([a.status, b.status], ['success', 'success'], `${a.reason} / ${b.reason}`);
  assert.ok(ms(h.work, 'second.start') >= ms(h.work, 'holder.end'), 'no overlap across the restart');
});
