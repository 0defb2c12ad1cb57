import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobView, RunDetailView, StatusName, StepView } from '../../api-client/index.js';
import { SnapshotEvents } from './snapshot-events.js';

const step = (index: number, status: StatusName, extra: Partial<StepView> = {}): StepView => ({
  index, name: `step ${index}`, status, reason: null, exitCode: null, startedAt: null, finishedAt: null, durationMs: null, ...extra,
});

const job = (id: string, status: StatusName, steps: StepView[], extra: Partial<JobView> = {}): JobView => ({
  id, name: id, status, reason: null, attempt: status === 'queued' ? 0 : 1, needs: [], queuedAt: null, startedAt: null, finishedAt: null,
  durationMs: null, outputs: {}, steps, environment: null, approval: null, ...extra,
});

const run = (status: StatusName, jobs: JobView[]): RunDetailView =>
  ({ number: 1, project: 'p', status, reason: null, durationMs: status === 'success' ? 50 : null, jobs }) as unknown as RunDetailView;

const kinds = (events: ReturnType<SnapshotEvents['next']>) =>
  events.map((e) => [e.type, 'job' in e ? e.job : '', 'step' in e ? e.step : ''].filter((x) => x !== '').join(' '));

test('transitions are announced once each, in order, across snapshots', () => {
  const t = new SnapshotEvents();
  assert.deepEqual(kinds(t.next(run('running', [job('build', 'queued', [step(0, 'queued')]), job('lint', 'queued', [])]))), ['run:started']);
  assert.deepEqual(kinds(t.next(run('running', [job('build', 'running', [step(0, 'running')]), job('lint', 'queued', [])]))), ['job:started build', 'step:started build 0']);
  assert.deepEqual(kinds(t.next(run('running', [job('build', 'running', [step(0, 'running')]), job('lint', 'queued', [])]))), [], 'nothing new, nothing said');
  assert.deepEqual(
    kinds(t.next(run('success', [job('build', 'success', [step(0, 'success', { exitCode: 0, durationMs: 12 })]), job('lint', 'skipped', [], { reason: 'if: false' })]))),
    ['step:finished build 0', 'job:finished build', 'job:skipped lint', 'run:finished'],
  );
  assert.deepEqual(kinds(t.next(run('success', []))), [], 'the run finishes once');
});

test('a snapshot that skipped the states between two others still gives a complete, ordered story', () => {
  const t = new SnapshotEvents();
  const events = t.next(run('failure', [job('test', 'failure', [step(0, 'success'), step(1, 'failure', { exitCode: 3 }), step(2, 'skipped')], { reason: 'step 1 failed' })]));
  assert.deepEqual(kinds(events), [
    'run:started', 'job:started test', 'step:started test 0', 'step:finished test 0', 'step:started test 1', 'step:finished test 1',
    'step:started test 2', 'step:finished test 2', 'job:finished test', 'run:finished',
  ]);
  const failed = events.find((e) => e.type === 'step:finished' && e.step === 1);
  assert.equal(failed?.type === 'step:finished' && failed.exitCode, 3);
  const finished = events.find((e) => e.type === 'job:finished');
  assert.equal(finished?.type === 'job:finished' && finished.reason, 'step 1 failed');
});

test('a retried job starts again as its next attempt, with its steps announced anew', () => {
  const t = new SnapshotEvents();
  t.next(run('running', [job('flaky', 'running', [step(0, 'failure')], { attempt: 1 })]));
  const again = t.next(run('running', [job('flaky', 'running', [step(0, 'running')], { attempt: 2 })]));
  assert.deepEqual(kinds(again), ['job:started flaky', 'step:started flaky 0']);
  assert.equal(again[0]?.type === 'job:started' && again[0].attempt, 2);
});

test('a job waiting for approval or an agent is not started', () => {
  const t = new SnapshotEvents();
  assert.deepEqual(kinds(t.next(run('running', [job('deploy', 'waiting', [step(0, 'queued')], { attempt: 0, reason: 'approval required (environment production)' })]))), ['run:started']);
});
