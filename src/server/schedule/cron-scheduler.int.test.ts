import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { Clock } from '../../core/index.js';
import type { Project } from '../../store/index.js';
import { createTestOrigin, type TestOrigin } from '../repos/test-origin.js';
import { createCronScheduler, cronStateKey } from './index.js';
import { openTempSqliteStore } from '../../store/sqlite/index.js';
import { createScheduleWorld, type ScheduleWorld } from './test-support.js';

const pipeline = (cron: string): string => `version: 1
on:
  push: {}
  cron:
${cron}
jobs:
  build:
    steps:
      - run: echo build
`;
const NIGHTLY = '    - { name: nightly, schedule: "0 3 * * *" }';
const HALF_HOURLY = '    - { name: half-hourly, schedule: "*/30 * * * *", branch: release }';

const openStore = (clock: Clock) => openTempSqliteStore({ clock });
let world: ScheduleWorld | undefined;
const extraOrigins: TestOrigin[] = [];
afterEach(async () => {
  await world?.cleanup();
  world = undefined;
  for (const o of extraOrigins.splice(0)) o.cleanup();
});

async function setup(cron: string) {
  world = await createScheduleWorld('2024-03-01T02:00:00Z', openStore);
  const w = world;
  const head = w.origin.commit({ '.gantry.yml': pipeline(cron) });
  const project = await w.store.projects.create({ name: 'site', repoUrl: w.origin.bare, forge: 'generic' });
  const newScheduler = () => createCronScheduler({ store: w.store, repos: w.repos, runCreator: w.createRun, clock: w.clock, logger: w.logger });
  const runs = async (p: Project = project) => (await w.store.runs.list(p.id)).runs;
  return { w, head, project, scheduler: newScheduler(), newScheduler, runs };
}

test('a schedule fires at its time, once; first sight records now and fires nothing', async () => {
  const { w, head, project, scheduler, runs } = await setup(NIGHTLY);
  assert.deepEqual(await scheduler.tick(), []);
  assert.equal(await w.store.state.get(cronStateKey(project.id, 'nightly')), w.clock.time, 'first sight records now');

  w.clock.set('2024-03-01T02:59:59Z');
  assert.deepEqual(await scheduler.tick(), []);
  assert.deepEqual(await runs(), []);

  const at = w.clock.set('2024-03-01T03:00:00Z');
  const fired = await scheduler.tick();
  assert.equal(fired.length, 1);
  assert.deepEqual({ ...fired[0], runId: undefined }, { projectId: project.id, name: 'nightly', scheduledFor: at, occurrences: 1, runId: undefined });
  const [run] = await runs();
  assert.ok(run);
  assert.equal(fired[0]?.runId, run.id);
  assert.deepEqual([run.eventName, run.event.cronName, run.branch, run.sha, run.status], ['cron', 'nightly', 'main', head, 'queued']);
  assert.deepEqual(run.trigger, { kind: 'cron', actor: 'nightly', deliveryId: null });
  assert.equal(await w.store.state.get(cronStateKey(project.id, 'nightly')), at);

  w.clock.set('2024-03-01T03:00:05Z');
  assert.deepEqual(await scheduler.tick(), []);
  w.clock.set('2024-03-01T12:00:00Z');
  assert.deepEqual(await scheduler.tick(), []);
  assert.equal((await runs()).length, 1);

  const later = w.origin.commit({ 'x.txt': 'new head' });
  w.clock.set('2024-03-02T03:00:30Z');
  assert.equal((await scheduler.tick()).length, 1, 'the next night fires again');
  assert.equal((await runs())[0]?.sha, later, 'at the head of the branch at that time');
});

test('after 3 days of downtime: exactly one catch-up run per schedule, then quiet', async () => {
  const { w, project, scheduler, newScheduler, runs } = await setup(`${NIGHTLY}\n${HALF_HOURLY}`);
  const release = w.origin.commit({ 'r.txt': '1' }, { branch: 'release' });
  await scheduler.tick();
  await scheduler.stop();

  w.clock.set('2024-03-04T02:10:00Z'); // the server was down; a new process starts
  const restarted = newScheduler();
  const fired = await restarted.tick();
  assert.deepEqual(
    fired.map((f) => [f.name, new Date(f.scheduledFor).toISOString(), f.occurrences]).sort(),
    [
      ['half-hourly', '2024-03-04T02:00:00.000Z', 144],
      ['nightly', '2024-03-03T03:00:00.000Z', 3],
    ],
  );
  const made = await runs();
  assert.equal(made.length, 2);
  assert.deepEqual(made.map((r) => [r.event.cronName, r.branch, r.eventName]).sort(), [['half-hourly', 'release', 'cron'], ['nightly', 'main', 'cron']]);
  assert.equal(made.find((r) => r.branch === 'release')?.sha, release, 'schedule.branch is built at its own head');

  w.clock.set('2024-03-04T02:20:00Z');
  assert.deepEqual(await restarted.tick(), []);
  w.clock.set('2024-03-04T02:30:00Z');
  assert.deepEqual((await restarted.tick()).map((f) => f.name), ['half-hourly'], 'then back to its normal rhythm');
  assert.equal((await runs()).length, 3);
  assert.equal(await w.store.state.get(cronStateKey(project.id, 'nightly')), Date.parse('2024-03-03T03:00:00Z'));
});

test('a run made before a crash is not made again when the occurrence was not recorded', async () => {
  const { w, project, scheduler, runs } = await setup(NIGHTLY);
  await scheduler.tick();
  const at = w.clock.set('2024-03-01T03:00:01Z');
  // The previous process created the run, then died before recording the occurrence.
  await w.createRun(project, { name: 'cron', branch: 'main', sha: '', cronName: 'nightly' }, { kind: 'cron', actor: 'nightly', deliveryId: null });
  const fired = await scheduler.tick();
  assert.deepEqual(fired.map((f) => [f.name, f.runId]), [['nightly', null]]);
  assert.equal((await runs()).length, 1);
  assert.equal(await w.store.state.get(cronStateKey(project.id, 'nightly')), at - 1000);
});

test('bad patterns and zones are logged, not fatal; projects without a pipeline file or a reachable repo do not stop the others', async () => {
  const { w, project, scheduler, runs } = await setup(`${NIGHTLY}\n    - { name: mars, schedule: "0 4 * * *", timezone: Mars/Olympus }`);
  const badPattern = createTestOrigin();
  const noFile = createTestOrigin();
  extraOrigins.push(badPattern, noFile);
  badPattern.commit({ '.gantry.yml': pipeline('    - { name: never, schedule: "61 * * * *" }') });
  noFile.commit({ 'README': 'no pipeline here' });
  const create = (name: string, repoUrl: string) => w.store.projects.create({ name, repoUrl, forge: 'generic' });
  const broken = await create('a-bad-pattern', badPattern.bare);
  const plain = await create('b-no-file', noFile.bare);
  const gone = await create('c-unreachable', `${w.origin.scratch}/missing.git`);

  await scheduler.tick();
  const warned = (name: string) => w.logger.lines.filter((l) => l.level === 'warn' && l.obj.project === name);
  assert.match(warned('a-bad-pattern')[0]?.msg ?? '', /has errors/);
  assert.match(JSON.stringify(warned('a-bad-pattern')[0]?.obj.errors), /PIPELINE_BAD_CRON/);
  assert.match(warned('site').find((l) => l.obj.schedule === 'mars')?.msg ?? '', /mars.*not valid/);
  assert.equal(warned('c-unreachable').length, 1);
  assert.equal(warned('b-no-file').length, 0, 'no pipeline file: simply no schedules');

  w.clock.set('2024-03-01T04:00:00Z');
  const fired = await scheduler.tick();
  assert.deepEqual(fired.map((f) => [f.projectId, f.name]), [[project.id, 'nightly']], 'the valid schedule still fires');
  assert.deepEqual((await runs()).map((r) => r.event.cronName), ['nightly']);
  for (const p of [broken, plain, gone]) assert.deepEqual(await runs(p), []);
  assert.equal(warned('a-bad-pattern').length, 1, 'logged once per commit, not every pass');
});
