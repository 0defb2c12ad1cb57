import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunEvent } from '../../core/index.js';
import { eventLines } from './lines.js';
import { applyEvent, createRunView } from './run-view.js';
import { createStyle } from './style.js';
import { renderSummary } from './summary.js';
import { renderTree } from './tree.js';

const plain = createStyle(false);

const events: RunEvent[] = [
  { type: 'run:started', seq: 1, ts: 1000, jobs: [{ id: 'build', name: 'build', needs: [] }, { id: 'test (node: 22)', name: 'test (node: 22)', needs: ['build'] }, { id: 'docs', name: 'docs', needs: [] }] },
  { type: 'job:skipped', seq: 2, ts: 1000, job: 'docs', reason: "if: git.branch == 'main' is false" },
  { type: 'job:started', seq: 3, ts: 1000, job: 'build', attempt: 1 },
  { type: 'step:started', seq: 4, ts: 1000, job: 'build', step: 0, name: 'compile' },
  { type: 'log', seq: 5, ts: 1100, job: 'build', step: 0, stream: 'stdout', line: 'compiling' },
];

const rest: RunEvent[] = [
  { type: 'step:finished', seq: 6, ts: 2200, job: 'build', step: 0, name: 'compile', status: 'success', durationMs: 1200, exitCode: 0 },
  { type: 'job:finished', seq: 7, ts: 2200, job: 'build', status: 'success', attempt: 1, durationMs: 1200, outputs: {} },
  { type: 'job:started', seq: 8, ts: 2200, job: 'test (node: 22)', attempt: 1 },
  { type: 'step:started', seq: 9, ts: 2200, job: 'test (node: 22)', step: 0, name: 'npm test' },
  { type: 'log', seq: 10, ts: 2300, job: 'test (node: 22)', step: 0, stream: 'stderr', line: 'assertion failed' },
  { type: 'step:finished', seq: 11, ts: 2400, job: 'test (node: 22)', step: 0, name: 'npm test', status: 'failure', durationMs: 200, exitCode: 1 },
  { type: 'job:finished', seq: 12, ts: 2400, job: 'test (node: 22)', status: 'failure', attempt: 1, durationMs: 200, reason: 'step "npm test" failed', outputs: {} },
  { type: 'run:finished', seq: 13, ts: 2400, status: 'failure', durationMs: 1400, jobs: {} },
];

test('plain lines are prefixed with the job name, one per log line and state change', () => {
  const view = createRunView();
  const out: string[] = [];
  for (const e of [...events, ...rest]) {
    applyEvent(view, e);
    out.push(...eventLines(view, e, plain));
  }
  assert.deepEqual(out, [
    `[docs] ↷ skipped: if: git.branch == 'main' is false`,
    '[build] ▶ started',
    '[build] compiling',
    '[build] ✓ success 1.2s',
    '[test (node: 22)] ▶ started',
    '[test (node: 22)] assertion failed',
    '[test (node: 22)] step "npm test" failure (exit 1)',
    '[test (node: 22)] ✗ failure 200ms: step "npm test" failed',
  ]);
});

test('the live tree shows running steps, waiting reasons and skipped reasons', () => {
  const view = createRunView();
  for (const e of events) applyEvent(view, e);
  const tree = renderTree(view, 1500, 0, plain);
  assert.deepEqual(tree.split('\n'), [
    '⠋ build 500ms',
    '  ⠋ compile 500ms',
    '○ test (node: 22) waiting for build',
    "↷ docs — if: git.branch == 'main' is false",
  ]);
});

test('a failed job shows its steps and last log lines; the summary has every job and the total', () => {
  const view = createRunView();
  for (const e of [...events, ...rest]) applyEvent(view, e);
  const tree = renderTree(view, 3000, 0, plain).split('\n');
  assert.ok(tree.includes('  ✗ npm test 200ms (exit 1)'), tree.join('\n'));
  assert.ok(tree.includes('    │ assertion failed'), tree.join('\n'));
  const summary = renderSummary(view, plain);
  assert.match(summary, /^JOB\s+STATUS\s+DURATION\s+ATTEMPTS$/m);
  assert.match(summary, /^build\s+✓ success\s+1\.2s\s+1$/m);
  assert.match(summary, /^test \(node: 22\)\s+✗ failure\s+200ms\s+1\s+step "npm test" failed$/m);
  assert.match(summary, /^docs\s+↷ skipped\s+-\s+-/m);
  assert.match(summary, /✗ run failure in 1\.4s \(1 success, 1 failure, 1 skipped\)/);
});

test('colours are off when the style is disabled and on when enabled', () => {
  const view = createRunView();
  for (const e of [...events, ...rest]) applyEvent(view, e);
  const ESC = String.fromCharCode(27);
  assert.ok(!renderSummary(view, plain).includes(`${ESC}[`));
  assert.ok(renderSummary(view, createStyle(true)).includes(`${ESC}[`));
});
