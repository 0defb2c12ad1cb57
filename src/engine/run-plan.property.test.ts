import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { makePlan, planJob, runFake, type FakeBehavior } from './test-support.js';

/** A random DAG: job i needs a few of the jobs before it; durations and parallelism random too. */
const dagArb = fc.integer({ min: 1, max: 60 }).chain((size) =>
  fc.record({
    needs: fc.tuple(...Array.from({ length: size }, (_, i) => (i === 0 ? fc.constant([]) : fc.uniqueArray(fc.integer({ min: 0, max: i - 1 }), { maxLength: 3 })))),
    durations: fc.array(fc.integer({ min: 1, max: 50 }), { minLength: size, maxLength: size }),
    parallel: fc.integer({ min: 1, max: 4 }),
    order: fc.constantFrom('critical-path' as const, 'file' as const),
    withEstimates: fc.boolean(),
  }),
);

test('random DAGs: each job runs once, after its needs, within the parallel bound; events well-formed', async () => {
  await fc.assert(
    fc.asyncProperty(dagArb, async ({ needs, durations, parallel, order, withEstimates }) => {
      const ids = needs.map((_, i) => `j${i}`);
      // Shuffle file order against dependency order sometimes: needs need not point backwards in the file.
      const jobs = ids.map((id, i) => planJob(id, { needs: needs[i]!.map((n) => ids[n]!) })).reverse();
      const behaviors: Record<string, FakeBehavior> = Object.fromEntries(ids.map((id, i) => [id, { durationMs: durations[i]! }]));
      const estimates = withEstimates ? new Map(ids.map((id, i) => [id, durations[i]!])) : undefined;
      const run = await runFake(makePlan(jobs), behaviors, { parallel, order, ...(estimates ? { estimates } : {}) });

      assert.equal(run.result.status, 'success');
      assert.equal(run.executor.calls.length, ids.length, 'every job ran exactly once');
      assert.equal(new Set(run.executor.calls.map((c) => c.job)).size, ids.length);
      assert.ok(run.executor.maxInFlight <= parallel, `max in flight ${run.executor.maxInFlight} > ${parallel}`);
      const call = new Map(run.executor.calls.map((c) => [c.job, c]));
      ids.forEach((id, i) => {
        for (const n of needs[i]!) assert.ok(call.get(id)!.start >= call.get(ids[n]!)!.end!, `${id} started before its need j${n} ended`);
      });
      const events = run.log.events;
      for (let k = 1; k < events.length; k++) assert.ok(events[k]!.seq > events[k - 1]!.seq);
      assert.equal(events[0]!.type, 'run:started');
      assert.equal(events.at(-1)!.type, 'run:finished');
      assert.equal(events.filter((e) => e.type === 'run:finished').length, 1);
      // Work-conserving: while a job is ready and a slot is free, nothing waits. Check via makespan
      // bound of list scheduling (Graham): makespan ≤ total/parallel + critical path.
      const total = durations.reduce((a, b) => a + b, 0);
      const longest = new Array<number>(ids.length).fill(0);
      ids.forEach((_, i) => (longest[i] = durations[i]! + Math.max(0, ...needs[i]!.map((n) => longest[n]!))));
      assert.ok(run.result.durationMs <= total / parallel + Math.max(...longest) + 1e-9);
    }),
    { numRuns: 150 },
  );
});

test('random failures: every job ends exactly once with a final status and run:finished lists them all', async () => {
  const failing = dagArb.chain((dag) =>
    fc.record({ dag: fc.constant(dag), fails: fc.array(fc.boolean(), { minLength: dag.durations.length, maxLength: dag.durations.length }), failFast: fc.boolean() }),
  );
  await fc.assert(
    fc.asyncProperty(failing, async ({ dag, fails, failFast }) => {
      const ids = dag.needs.map((_, i) => `j${i}`);
      const jobs = ids.map((id, i) => planJob(id, { needs: dag.needs[i]!.map((n) => ids[n]!), ...(i % 5 === 4 ? { condition: 'always()' } : {}) }));
      const behaviors = Object.fromEntries(ids.map((id, i) => [id, { durationMs: dag.durations[i]!, status: fails[i] ? 'failure' : 'success' } as FakeBehavior]));
      const run = await runFake(makePlan(jobs, { failFast }), behaviors, { parallel: dag.parallel });
      const ended = run.log.events.filter((e) => e.type === 'job:finished' || e.type === 'job:skipped').map((e) => ('job' in e ? e.job : ''));
      assert.deepEqual([...ended].sort(), [...ids].sort());
      assert.equal(Object.keys(run.log.of('run:finished')[0]!.jobs).length, ids.length);
      assert.equal(run.result.status, fails.some((f, i) => f && run.executor.calls.some((c) => c.job === ids[i])) ? 'failure' : 'success');
      assert.ok(run.executor.maxInFlight <= dag.parallel);
    }),
    { numRuns: 150 },
  );
});
