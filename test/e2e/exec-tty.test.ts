import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { GANTRY_BIN, makeRepo } from './helpers.js';

// `script` gives gantry a real pseudo-terminal, so the live tree (log-update) is what gets drawn.
test('on a terminal: a live tree with spinners and waiting reasons, the failed step and its last lines, then the summary', () => {
  const dir = makeRepo({
    '.gantry.yml': `version: 1
jobs:
  build: { steps: [{ name: compile, run: "sleep 0.3" }] }
  test: { needs: [build], steps: [{ name: check, run: "echo checking; exit 1" }] }
`,
  });
  const r = spawnSync('script', ['-qfec', `${process.execPath} ${GANTRY_BIN} exec --no-color`, '/dev/null'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 20_000,
  });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const out = r.stdout;
  assert.match(out, /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] build/, 'a spinner for the running job');
  assert.match(out, /○ test waiting for build/);
  assert.match(out, /✗ check \d+ms \(exit 1\)/);
  assert.match(out, /│ checking/);
  assert.match(out, /JOB\s+STATUS\s+DURATION\s+ATTEMPTS/);
  assert.match(out, /✗ run failure/);
  assert.doesNotMatch(out, /^\[build\]/m, 'no plain prefixed lines on a terminal');
});
