import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { GantryError, systemClock, type Clock } from '../../core/index.js';
import type { Project } from '../../store/index.js';
import { lsRemote, type LsRemoteOptions } from '../../triggers/index.js';
import type { CreateRunFromEvent } from '../runs/index.js';
import { createPoller, pollStateKey, type PollerOptions } from './index.js';
import { openTempSqliteStore } from '../../store/sqlite/index.js';
import { createScheduleWorld, type ScheduleWorld } from './test-support.js';

const PIPELINE = `version: 1
on: [push, tag]
jobs:
  build:
    steps:
      - run: echo build
`;
const MINUTE = 60_000;
const webhookTrigger = { kind: 'push' as const, actor: 'alice', deliveryId: null };

const openStore = (clock: Clock) => openTempSqliteStore({ clock });
let world: ScheduleWorld | undefined;
afterEach(async () => {
  await world?.cleanup();
  world = undefined;
});

async function setup(extra: Partial<PollerOptions> = {}) {
  world = await createScheduleWorld('2024-03-01T10:00:00Z', openStore);
  const w = world;
  const listed: string[] = [];
  const project = await w.store.projects.create({ name: 'site', repoUrl: w.origin.bare, forge: 'generic', pollIntervalMs: MINUTE });
  const poller = createPoller({
    store: w.store,
    runCreator: w.createRun,
    clock: w.clock,
    logger: w.logger,
    lsRemote: (url: string, options: LsRemoteOptions) => {
      listed.push(url);
      return lsRemote(url, options);
    },
    ...extra,
  });
  /** Moves the clock one poll interval on and polls. */
  const poll = async () => {
    w.clock.time += MINUTE;
    return poller.tick();
  };
  const runs = async (p: Project = project) => (await w.store.runs.list(p.id)).runs;
  return { w, project, poller, poll, listed, runs };
}

test('the first poll only records; a commit pushed with no webhook → one push run at that commit; not polled again before its interval', async () => {
  const { w, project, poller, poll, listed, runs } = await setup();
  const first = w.origin.commit({ '.gantry.yml': PIPELINE, 'a.txt': '1' });
  w.origin.commit({ 'b.txt': '1' }, { branch: 'feature' });
  w.origin.tag('v1', first);

  const recorded = await poller.tick();
  assert.deepEqual(recorded.map((o) => [o.projectId, o.result, o.runs]), [[project.id, 'recorded', []]]);
  assert.deepEqual(await runs(), [], 'existing branches and tags start nothing');
  const snapshot = await w.store.state.get<{ url: string; refs: Record<string, string> }>(pollStateKey(project.id));
  assert.equal(snapshot?.url, w.origin.bare);
  assert.deepEqual(Object.keys(snapshot?.refs ?? {}).sort(), ['refs/heads/feature', 'refs/heads/main', 'refs/tags/v1']);

  const second = w.origin.commit({ 'a.txt': '2' }, { message: 'second' });
  w.clock.time += MINUTE - 1;
  assert.deepEqual(await poller.tick(), [], 'not due yet');
  assert.equal(listed.length, 1);

  const outcome = await poll();
  assert.equal(listed.length, 2);
  assert.equal(outcome[0]?.result, 'changed');
  const made = await runs();
  assert.equal(made.length, 1);
  const run = made[0]!;
  assert.deepEqual([run.eventName, run.branch, run.sha, run.status], ['push', 'main', second, 'queued']);
  assert.deepEqual(run.trigger, { kind: 'push', actor: 'poll', deliveryId: null });
  assert.equal(run.event.message, 'second');
  assert.deepEqual(run.event.changedFiles, ['a.txt'], 'the previous snapshot is the push "before"');
  assert.deepEqual(outcome[0]?.runs, [run.id]);

  assert.equal((await poll())[0]?.result, 'unchanged');
  assert.equal((await runs()).length, 1);
});

test('a new branch is a push, a new tag a tag run; a deleted branch starts nothing and leaves the snapshot', async () => {
  const { w, project, poller, poll, runs } = await setup();
  const base = w.origin.commit({ '.gantry.yml': PIPELINE });
  w.origin.commit({ 'old.txt': '1' }, { branch: 'old' });
  await poller.tick();

  w.origin.git(['push', '--quiet', 'origin', '--delete', 'old']);
  const feature = w.origin.commit({ 'f.txt': '1' }, { branch: 'feature' });
  w.origin.tag('v2', base);
  await poll();
  const made = (await runs()).map((r) => [r.eventName, r.branch ?? r.tag, r.sha]);
  assert.deepEqual(made.sort(), [['push', 'feature', feature], ['tag', 'v2', base]].sort());
  const branchRun = (await runs()).find((r) => r.eventName === 'push')!;
  assert.equal(branchRun.event.changedFiles, undefined, 'a new branch has no "before": changed files unknown');
  const snapshot = await w.store.state.get<{ refs: Record<string, string> }>(pollStateKey(project.id));
  assert.deepEqual(Object.keys(snapshot!.refs).sort(), ['refs/heads/feature', 'refs/heads/main', 'refs/tags/v2']);
});

test('lost webhook: the delivered push is not built twice, the lost one is built; a sha its webhook already ran → no duplicate', async () => {
  const { w, project, poller, poll, runs } = await setup();
  const a0 = w.origin.commit({ '.gantry.yml': PIPELINE });
  await poller.tick();

  const a = w.origin.commit({ 'a.txt': 'a' });
  assert.ok((await w.createRun(project, { name: 'push', branch: 'main', sha: a }, webhookTrigger, { before: a0 })).created, 'webhook for A delivered');
  const b = w.origin.commit({ 'b.txt': 'b' }); // its webhook is lost
  await poll();
  assert.deepEqual((await runs()).map((r) => [r.sha, r.trigger.actor]), [[b, 'poll'], [a, 'alice']]);

  const c = w.origin.commit({ 'c.txt': 'c' });
  assert.ok((await w.createRun(project, { name: 'push', branch: 'main', sha: c }, webhookTrigger, { before: b })).created, 'webhook for C delivered');
  const outcome = await poll();
  assert.deepEqual(outcome[0]?.runs, []);
  assert.deepEqual((await runs()).map((r) => r.sha), [c, b, a], 'no second run for C');
  const snapshot = await w.store.state.get<{ refs: Record<string, string> }>(pollStateKey(project.id));
  assert.equal(snapshot?.refs['refs/heads/main'], c, 'the snapshot still moves on');
  assert.ok(w.logger.lines.some((l) => /no run for refs\/heads\/main: commit [0-9a-f]{12} of branch main already has run #3/.test(l.msg)));
});

test('ls-remote failure: logged with the project, other projects still polled, retried at the next interval', async () => {
  const { w, project, poller, poll, listed, runs } = await setup();
  const broken = await w.store.projects.create({ name: 'gone', repoUrl: `${w.origin.scratch}/missing.git`, forge: 'generic', pollIntervalMs: MINUTE });
  w.origin.commit({ '.gantry.yml': PIPELINE });
  const first = await poller.tick();
  assert.deepEqual(first.map((o) => [o.projectId, o.result]).sort(), [[broken.id, 'failed'], [project.id, 'recorded']].sort());
  const warning = w.logger.lines.find((l) => l.level === 'warn' && l.obj.project === 'gone');
  assert.ok(warning, 'the failure names the project');
  assert.match(warning.msg, /ls-remote/);

  const next = w.origin.commit({ 'x.txt': '1' });
  await poll();
  assert.equal(listed.filter((u) => u === broken.repoUrl).length, 2, 'retried at its next interval');
  assert.deepEqual((await runs()).map((r) => r.sha), [next], 'the healthy project got its run');
});

test('a retryable failure creating the run keeps the old snapshot for that ref: the next poll creates the run', async () => {
  let failures = 1;
  const real: { createRun?: CreateRunFromEvent } = {};
  const flaky: CreateRunFromEvent = (...args) => {
    if (failures-- > 0) return Promise.reject(new GantryError('GIT_FETCH_FAILED', 'remote unreachable'));
    return real.createRun!(...args);
  };
  const { w, project, poller, poll, runs } = await setup({ runCreator: flaky });
  real.createRun = w.createRun;
  const base = w.origin.commit({ '.gantry.yml': PIPELINE });
  await poller.tick();
  const next = w.origin.commit({ 'x.txt': '1' });
  await poll();
  assert.deepEqual(await runs(), []);
  const snapshot = await w.store.state.get<{ refs: Record<string, string> }>(pollStateKey(project.id));
  assert.equal(snapshot?.refs['refs/heads/main'], base, 'not advanced past the change that has no run');
  await poll();
  assert.deepEqual((await runs()).map((r) => r.sha), [next]);
});

test('start() polls on its timer and stop() waits for the pass in flight', async () => {
  world = await createScheduleWorld('2024-03-01T10:00:00Z', openStore);
  const w = world;
  const project = await w.store.projects.create({ name: 'live', repoUrl: w.origin.bare, forge: 'generic', pollIntervalMs: 20 });
  w.origin.commit({ '.gantry.yml': PIPELINE });
  const poller = createPoller({ store: w.store, runCreator: w.createRun, clock: systemClock, logger: w.logger, tickIntervalMs: 10 });
  poller.start();
  const deadline = Date.now() + 10_000;
  while (!(await w.store.state.get(pollStateKey(project.id)))) {
    assert.ok(Date.now() < deadline, 'the first poll recorded a snapshot');
    await new Promise((r) => setTimeout(r, 10));
  }
  const next = w.origin.commit({ 'x.txt': '1' });
  while ((await w.store.runs.list(project.id)).runs.length === 0) {
    assert.ok(Date.now() < deadline, 'the timed poll created the run');
    await new Promise((r) => setTimeout(r, 10));
  }
  await poller.stop();
  assert.equal((await w.store.runs.list(project.id)).runs[0]?.sha, next);
  const after = w.logger.lines.length;
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(w.logger.lines.length, after, 'no pass after stop');
});
