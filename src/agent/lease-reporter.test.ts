import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GantryError } from '../core/index.js';
import { LeaseReporter } from './lease-reporter.js';
import type { AgentLease, AgentLine, AgentPortClient } from './port.js';

const lease = { leaseId: '1/build', epoch: 1, logSeq: 0 } as AgentLease;
const full = () => new GantryError('STORE_UNAVAILABLE', 'logs.append: database or disk is full');

/** A port whose appendLogs throws the queued refusals first, then stores; other calls are recorded. */
function setup(refusals: Error[], retryMs?: number) {
  const stored: AgentLine[] = [];
  const steps: string[] = [];
  let now = 0;
  const port = {
    appendLogs: async (_id: string, _epoch: number, lines: readonly AgentLine[]) => {
      const refusal = refusals.shift();
      if (refusal) throw refusal;
      stored.push(...lines);
      return { acceptedUpTo: lines.at(-1)!.seq };
    },
    reportStep: async (_id: string, _epoch: number, event: { type: string }) => {
      steps.push(event.type);
    },
  } as unknown as AgentPortClient;
  const told = { lost: [] as unknown[], unstored: [] as string[] };
  const reporter = new LeaseReporter(port, lease, {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    onLost: (err) => told.lost.push(err),
    onUnstored: (reason) => told.unstored.push(reason),
    ...(retryMs === undefined ? {} : { retryMs }),
  });
  return { reporter, stored, steps, told };
}

test('a store that refuses lines for a while (a full disk that gets space back): they are sent again, once each, in order', async () => {
  const { reporter, stored, told } = setup([full(), full(), full()]);
  for (let i = 1; i <= 5; i++) reporter.line(0, 'stdout', `line ${i}`);
  await reporter.close();
  assert.deepEqual(stored.map((l) => [l.seq, l.line]), [1, 2, 3, 4, 5].map((i) => [i, `line ${i}`]));
  assert.deepEqual(told, { lost: [], unstored: [] });
});

test('a store that keeps refusing past retryMs: the job is stopped with the reason, later lines are counted, step events still go', async () => {
  const refusals = Array.from({ length: 100 }, full);
  const { reporter, stored, steps, told } = setup(refusals, 3000);
  reporter.line(0, 'stdout', 'first');
  await reporter.close();
  assert.deepEqual(told.unstored, ["the server could not store this job's log: logs.append: database or disk is full"]);
  assert.ok(refusals.length > 90 && refusals.length < 100, `tried ${100 - refusals.length} times within 3 s of backoff`);
  reporter.line(0, 'stdout', 'second');
  reporter.line(null, 'system', 'third');
  reporter.report({ type: 'step:finished', step: 0, status: 'error', exitCode: null, durationMs: 1, seq: 1, ts: 1 } as never);
  await reporter.close();
  assert.deepEqual(stored, []);
  assert.equal(reporter.droppedLines, 3);
  assert.deepEqual(steps, ['step:finished']);
  assert.equal(reporter.lost, false, 'the lease is still held: done is still sent');
});

test('a refusal that is not retryable stops the job at once; LEASE_STALE means the lease is lost', async () => {
  const bad = setup([new GantryError('SYSTEM_INTERNAL', 'boom')]);
  bad.reporter.line(0, 'stdout', 'x');
  await bad.reporter.close();
  assert.deepEqual(bad.told.unstored, ["the server could not store this job's log: boom"]);

  const stale = setup([new GantryError('LEASE_STALE', 'lease 1/build epoch 1 is not held')]);
  stale.reporter.line(0, 'stdout', 'x');
  await stale.reporter.close();
  assert.equal(stale.told.lost.length, 1);
  assert.deepEqual(stale.told.unstored, []);
  assert.equal(stale.reporter.lost, true);
});
