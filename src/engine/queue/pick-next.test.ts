import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_CLASS, pickNext, type QueueCandidate, type QueuePolicy } from './pick-next.js';
import { PRIORITY_CLASSES, priorityClassOf } from './priority-class.js';
import { makePlan, planJob, runStep } from '../test-support.js';

let seq = 0;
function job(key: string, fields: Partial<QueueCandidate> = {}): QueueCandidate {
  seq++;
  return { key, projectId: 1, priorityClass: PRIORITY_CLASSES.change, projectPriority: 0, enqueuedAt: 0, runOrder: seq, rank: 0, seq, labels: [], ...fields };
}
const idle = { total: 0, byProject: new Map<number, number>() };
const policy = (fields: Partial<QueuePolicy> = {}): QueuePolicy => ({ agingStepMs: 60_000, agentLabels: [], ...fields });

test('priority classes: manual/deploy before the default branch before pull requests before cron', () => {
  const ready = [job('cron', { priorityClass: PRIORITY_CLASSES.cron }), job('pr'), job('main', { priorityClass: PRIORITY_CLASSES.mainline }), job('manual', { priorityClass: PRIORITY_CLASSES.urgent })];
  const order: string[] = [];
  let left = ready;
  while (left.length > 0) {
    const { next } = pickNext(left, 0, idle, policy());
    order.push(next!.key);
    left = left.filter((c) => c !== next);
  }
  assert.deepEqual(order, ['manual', 'main', 'pr', 'cron']);
  const plan = makePlan([planJob('x')]);
  assert.equal(priorityClassOf({ kind: 'push', branch: 'main', defaultBranch: 'main' }), PRIORITY_CLASSES.mainline);
  assert.equal(priorityClassOf({ kind: 'push', branch: 'feature', defaultBranch: 'main' }), PRIORITY_CLASSES.change);
  assert.equal(priorityClassOf({ kind: 'tag', branch: null, defaultBranch: 'main' }), PRIORITY_CLASSES.mainline);
  assert.equal(priorityClassOf({ kind: 'api', branch: 'x', defaultBranch: 'main' }), PRIORITY_CLASSES.urgent);
  const deploy = planJob('ship', { steps: [runStep('kubectl', 'deploy')] });
  assert.equal(priorityClassOf({ kind: 'cron', branch: 'main', defaultBranch: 'main', job: deploy }), PRIORITY_CLASSES.urgent);
  assert.equal(priorityClassOf({ kind: 'cron', branch: 'main', defaultBranch: 'main', job: plan.jobs[0]! }), PRIORITY_CLASSES.cron);
});

/**
 * One agent slot, jobs of `durationMs`; `arrivals` are (time, candidate). Returns when each
 * candidate started, up to `horizonMs`.
 */
function simulate(arrivals: { at: number; candidate: QueueCandidate }[], durationMs: number, horizonMs: number, pol: QueuePolicy): Map<string, number> {
  const started = new Map<string, number>();
  const pending = [...arrivals].sort((a, b) => a.at - b.at);
  let ready: QueueCandidate[] = [];
  for (let now = 0; now <= horizonMs; now += durationMs) {
    while (pending.length > 0 && pending[0]!.at <= now) ready.push(pending.shift()!.candidate);
    const { next } = pickNext(ready, now, idle, pol);
    if (!next) continue;
    started.set(next.key, now);
    ready = ready.filter((c) => c !== next);
  }
  return started;
}

test('aging bounds the wait: a cron job under a never-ending stream of manual jobs starts within the documented bound', () => {
  const A = 60_000; // aging step
  const D = 10_000; // each job takes 10 s, one slot
  const every = 5_000; // a manual job every 5 s: twice what the slot can serve, so the queue only grows
  const arrivals = [
    { at: 0, candidate: job('m-0', { priorityClass: PRIORITY_CLASSES.urgent, enqueuedAt: 0 }) },
    { at: 0, candidate: job('cron', { priorityClass: PRIORITY_CLASSES.cron, enqueuedAt: 1 }) },
  ];
  for (let at = every; at <= 2_000_000; at += every) arrivals.push({ at, candidate: job(`m-${at}`, { priorityClass: PRIORITY_CLASSES.urgent, enqueuedAt: at }) });
  const started = simulate(arrivals, D, 2_000_000, policy({ agingStepMs: A }));
  const cronStart = started.get('cron');
  assert.ok(cronStart !== undefined, 'the cron job started');
  // Bound (pick-next.ts): passed only by candidates waiting at its arrival (1) or arriving within
  // (MAX_CLASS − c + 1)·A after it; with one slot freeing every D, it starts within (N + 1)·D.
  const window = (MAX_CLASS - PRIORITY_CLASSES.cron + 1) * A;
  const n = 1 + Math.floor(window / every);
  assert.ok(cronStart <= (n + 1) * D, `cron started at ${cronStart} ms, bound ${(n + 1) * D} ms`);
  for (const [key, at] of started) {
    const arrived = arrivals.find((a) => a.candidate.key === key)!.at;
    if (arrived >= 1 + window) assert.ok(at > cronStart, `${key} (arrived ${arrived}) must not pass the cron job`);
  }
  // Without aging the same stream starves it: the bound is the policy's doing.
  const starved = simulate(arrivals, D, 2_000_000, policy({ agingStepMs: Number.MAX_SAFE_INTEGER }));
  assert.equal(starved.get('cron'), undefined);
});

test('fair share: among equal priority the project with fewer running jobs goes first', () => {
  const ready = [job('a1', { projectId: 1 }), job('a2', { projectId: 1 }), job('a3', { projectId: 1 }), job('b1', { projectId: 2 }), job('b2', { projectId: 2 })];
  const running = new Map<number, number>();
  const order: string[] = [];
  let left = ready;
  for (let i = 0; i < 4; i++) {
    const { next } = pickNext(left, 0, { total: i, byProject: running }, policy());
    order.push(next!.key);
    running.set(next!.projectId, (running.get(next!.projectId) ?? 0) + 1);
    left = left.filter((c) => c !== next);
  }
  assert.deepEqual(order, ['a1', 'b1', 'a2', 'b2']);
  // …but priority beats fair share
  const urgent = job('a-urgent', { projectId: 1, priorityClass: PRIORITY_CLASSES.urgent });
  assert.equal(pickNext([job('b', { projectId: 2 }), urgent], 0, { total: 5, byProject: new Map([[1, 5]]) }, policy()).next, urgent);
});

test('limits: a project at its limit is passed over (others go), the global limit stops everything; each says why', () => {
  const a = job('a', { projectId: 1 });
  const b = job('b', { projectId: 2 });
  const running = { total: 2, byProject: new Map([[1, 2]]) };
  const limited = pickNext([a, b], 0, running, policy({ projectLimit: (id) => (id === 1 ? 2 : null) }));
  assert.equal(limited.next, b);
  assert.equal(limited.reasons.get('a'), 'project limit 2 reached');
  const full = pickNext([a, b], 0, running, policy({ globalLimit: 2 }));
  assert.equal(full.next, undefined);
  assert.deepEqual([...full.reasons.values()], ['global limit 2 reached', 'global limit 2 reached']);
});

test('reasons: jobs ahead, missing labels, no free agent; the agent asking gets only jobs its labels allow', () => {
  const ready = [job('j1'), job('j2'), job('j3'), job('gpu', { labels: ['gpu'] }), job('last')];
  const reasons = pickNext(ready, 0, idle, { agingStepMs: 60_000, knownAgents: [['linux']] }).reasons;
  assert.equal(reasons.get('j1'), 'waiting for a free agent');
  assert.equal(reasons.get('j2'), '1 higher-priority job ahead');
  assert.equal(reasons.get('last'), '3 higher-priority jobs ahead');
  assert.equal(reasons.get('gpu'), 'no agent with labels [gpu]');
  const none = pickNext([job('x')], 0, idle, { agingStepMs: 60_000, knownAgents: [] }).reasons;
  assert.equal(none.get('x'), 'no agent connected');
  const gpuJob = job('g', { labels: ['gpu'], priorityClass: PRIORITY_CLASSES.urgent });
  const plain = job('p');
  assert.equal(pickNext([gpuJob, plain], 0, idle, policy({ agentLabels: ['linux'] })).next, plain);
  assert.equal(pickNext([gpuJob, plain], 0, idle, policy({ agentLabels: ['linux', 'gpu'] })).next, gpuJob);
});

test('inside one run the critical path goes first; across runs the older run; project priority inside a level', () => {
  const short = job('short', { runOrder: 7, rank: 10, seq: 1 });
  const long = job('long', { runOrder: 7, rank: 500, seq: 2 });
  assert.equal(pickNext([short, long], 0, idle, policy()).next, long);
  const older = job('older', { runOrder: 3, rank: 1 });
  assert.equal(pickNext([long, older], 0, idle, policy()).next, older);
  const favoured = job('favoured', { projectId: 9, projectPriority: 5, runOrder: 99 });
  assert.equal(pickNext([older, favoured], 0, idle, policy()).next, favoured);
});
