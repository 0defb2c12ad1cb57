import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunEvent } from '../core/index.js';
import { runPlan } from './run-plan.js';
import { EventLog, FakeExecutor, makePlan, planJob, runFake, VirtualClock } from './test-support.js';

const startOf = (run: { executor: FakeExecutor }, job: string) => run.executor.calls.find((c) => c.job === job)?.start;
const startOrder = (run: { executor: FakeExecutor }) => run.executor.calls.map((c) => c.job);

test('a job starts as soon as its own needs are done, while an unrelated long job still runs', async () => {
  const plan = makePlan([planJob('long'), planJob('a'), planJob('b', { needs: ['a'] })]);
  const run = await runFake(plan, { long: { durationMs: 1000 }, a: { durationMs: 10 }, b: { durationMs: 10 } }, { parallel: 3 });
  assert.equal(run.result.status, 'success');
  assert.equal(startOf(run, 'b'), 10);
  assert.equal(run.result.jobs.long!.durationMs, 1000);
  assert.equal(run.result.durationMs, 1000);
});

test('never more than `parallel` jobs in flight', async () => {
  const jobs = Array.from({ length: 12 }, (_, i) => planJob(`j${i}`));
  const run = await runFake(makePlan(jobs), {}, { parallel: 3 });
  assert.equal(run.executor.maxInFlight, 3);
  assert.equal(run.executor.calls.length, 12);
  assert.equal(run.result.durationMs, 40);
});

test('ready jobs start longest-remaining-path first, ties in file order', async () => {
  // chain: c1 → c2 → c3 (30 ms each); short jobs s1, s2 (30 ms) ready from the start.
  const plan = makePlan([
    planJob('s1'),
    planJob('s2'),
    planJob('c1'),
    planJob('c2', { needs: ['c1'] }),
    planJob('c3', { needs: ['c2'] }),
  ]);
  const estimates = new Map([
    ['s1', 30],
    ['s2', 30],
    ['c1', 30],
    ['c2', 30],
    ['c3', 30],
  ]);
  const behaviors = Object.fromEntries([...estimates].map(([id, ms]) => [id, { durationMs: ms }]));
  const cp = await runFake(plan, behaviors, { parallel: 2, estimates });
  assert.deepEqual(startOrder(cp).slice(0, 2), ['c1', 's1']);
  assert.equal(cp.result.durationMs, 90);
  const file = await runFake(plan, behaviors, { parallel: 2, estimates, order: 'file' });
  assert.deepEqual(startOrder(file).slice(0, 2), ['s1', 's2']);
  assert.equal(file.result.durationMs, 120);
});

test('unknown estimates default to the median of known ones; ties keep file order', async () => {
  // x has no estimate → median(10, 50, 100) = 50, which ties with y (50): file order puts x first.
  const plan = makePlan([planJob('w'), planJob('x'), planJob('y'), planJob('z')]);
  const estimates = new Map([
    ['w', 10],
    ['y', 50],
    ['z', 100],
  ]);
  const run = await runFake(plan, {}, { parallel: 1, estimates });
  assert.deepEqual(startOrder(run), ['z', 'x', 'y', 'w']);
});

test('without estimates, the job with the longest chain behind it starts first', async () => {
  const plan = makePlan([planJob('lone'), planJob('head'), planJob('mid', { needs: ['head'] }), planJob('tail', { needs: ['mid'] })]);
  const run = await runFake(plan, {}, { parallel: 1 });
  assert.deepEqual(startOrder(run), ['head', 'mid', 'lone', 'tail']);
});

test('events: run:started first, run:finished last, seq strictly increasing, ts from the clock', async () => {
  const plan = makePlan([planJob('a'), planJob('b', { needs: ['a'] })]);
  const run = await runFake(plan, { a: { outputs: { v: '1' } } });
  const events = run.log.events;
  assert.equal(events[0]!.type, 'run:started');
  assert.equal(events.at(-1)!.type, 'run:finished');
  events.forEach((event, i) => assert.equal(event.seq, i + 1));
  assert.deepEqual(
    events.map((e) => e.type),
    ['run:started', 'job:started', 'job:finished', 'job:started', 'job:finished', 'run:finished'],
  );
  const finished = run.log.of('run:finished')[0]!;
  assert.deepEqual(finished.jobs, { a: 'success', b: 'success' });
  assert.equal(finished.ts, 1_700_000_000_000 + 20);
  assert.deepEqual(run.log.of('job:finished')[0]!.outputs, { v: '1' });
});

test('needs are handed to the executor by job key, matrix instances merged', async () => {
  const matrixJob = (id: string, node: number, outputs: Record<string, string>) =>
    [planJob(id, { key: 'test', matrix: { node } }), outputs] as const;
  const [t20, o20] = matrixJob('test (node: 20)', 20, { a: '20', only20: 'x' });
  const [t22, o22] = matrixJob('test (node: 22)', 22, { a: '22' });
  const plan = makePlan([t20, t22, planJob('build'), planJob('pkg', { needs: [t20.id, t22.id, 'build'] })]);
  const run = await runFake(plan, { [t20.id]: { outputs: o20 }, [t22.id]: { outputs: o22 }, build: { outputs: { digest: 'sha' } } });
  const pkg = run.executor.calls.find((c) => c.job === 'pkg')!;
  assert.deepEqual(pkg.needs, {
    test: { result: 'success', outputs: { a: '22', only20: 'x' } },
    build: { result: 'success', outputs: { digest: 'sha' } },
  });
});

test('reports from the executor are stamped and forwarded in order', async () => {
  const clock = new VirtualClock();
  const log = new EventLog();
  const executor = {
    async runJob(job: { id: string }, input: { report(e: unknown): void }) {
      input.report({ type: 'log', job: job.id, step: 0, stream: 'stdout', line: 'hello' });
      return { status: 'success' as const, outputs: {} };
    },
  };
  await clock.run(runPlan(makePlan([planJob('a')]), { executor, parallel: 1, onEvent: log.onEvent, clock }));
  const types = log.events.map((e: RunEvent) => e.type);
  assert.deepEqual(types, ['run:started', 'job:started', 'log', 'job:finished', 'run:finished']);
  assert.equal(log.of('log')[0]!.seq, 3);
});

test('an empty plan finishes at once with success', async () => {
  const run = await runFake(makePlan([]));
  assert.equal(run.result.status, 'success');
  assert.deepEqual(run.log.events.map((e) => e.type), ['run:started', 'run:finished']);
});

test('parallel below 1 is rejected', async () => {
  const clock = new VirtualClock();
  await assert.rejects(
    runPlan(makePlan([]), { executor: new FakeExecutor(clock), parallel: 0, onEvent: () => undefined, clock }),
    /parallel must be an integer/,
  );
});

test('unknown needs and cycles end those jobs in error instead of hanging', async () => {
  const plan = makePlan([planJob('a', { needs: ['ghost'] }), planJob('b', { needs: ['c'] }), planJob('c', { needs: ['b'] }), planJob('d'), planJob('e', { needs: ['a'], condition: 'always()' })], {
    failFast: false,
  });
  const run = await runFake(plan);
  assert.equal(run.result.jobs.a!.status, 'error');
  assert.match(run.result.jobs.a!.reason!, /unknown job 'ghost'/);
  assert.equal(run.result.jobs.b!.status, 'error');
  assert.match(run.result.jobs.c!.reason!, /cycle/);
  assert.equal(run.result.jobs.d!.status, 'success');
  assert.deepEqual(run.executor.calls.map((c) => c.job), ['d', 'e'], 'a dependent of an invalid job is decided once');
  assert.equal(run.result.status, 'error');
});

test('a throwing event listener does not break the run; runPlan rejects with its error afterwards', async () => {
  const clock = new VirtualClock();
  const executor = new FakeExecutor(clock);
  let seen = 0;
  const onEvent = () => {
    seen++;
    throw new Error('listener broke');
  };
  await assert.rejects(clock.run(runPlan(makePlan([planJob('a'), planJob('b')]), { executor, parallel: 2, onEvent, clock })), /listener broke/);
  assert.equal(executor.calls.length, 2);
  assert.equal(seen, 6);
});
