import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isGone, makeRepo, readPids, runGantry, waitFor } from './helpers.js';

test('fail-fast: a failure ends the run with exit 1, cancels a running sibling, skips what had not started; always() cleanup still runs', async () => {
  const dir = makeRepo({
    '.gantry.yml': `version: 1
jobs:
  broken: { steps: [{ run: "sleep 0.3; echo boom >&2; exit 3" }] }
  long: { steps: [{ run: "echo $$ > long.pid; sleep 30" }] }
  after: { needs: [broken], steps: [{ run: "touch after.ran" }] }
  cleanup:
    needs: [broken]
    if: always()
    steps: [{ run: "touch cleanup.ran" }]
`,
  });
  const started = Date.now();
  const r = await runGantry(['exec', '--parallel', '2'], { cwd: dir });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.ok(Date.now() - started < 15_000, 'the long sibling did not run to its end');
  assert.match(r.stdout, /^\[broken\] boom$/m);
  assert.match(r.stdout, /^\[broken\] ✗ failure/m);
  assert.match(r.stdout, /^\[long\] ⊘ canceled/m);
  assert.match(r.stdout, /^\[after\] ↷ skipped/m);
  assert.equal(existsSync(join(dir, 'after.ran')), false);
  assert.equal(existsSync(join(dir, 'cleanup.ran')), true, 'if: always() job ran after the failure');
  assert.match(r.stdout, /^broken\s+✗ failure/m);
  assert.match(r.stdout, /run failure/);
  for (const pid of readPids(join(dir, 'long.pid'))) assert.ok(isGone(pid), `long step ${pid} is gone`);
});

test('retry: a step that fails once passes on the second attempt', async () => {
  const dir = makeRepo({
    '.gantry.yml': `version: 1
jobs:
  flaky:
    retry: { max: 1, on: [failure], backoff: 100ms }
    steps:
      - run: |
          n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count
          echo "attempt $n"
          test $n -ge 2
`,
  });
  const r = await runGantry(['exec'], { cwd: dir });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(readFileSync(join(dir, 'count'), 'utf8').trim(), '2');
  assert.match(r.stdout, /^\[flaky\] attempt 1$/m);
  assert.match(r.stdout, /^\[flaky\] ↻ retrying/m);
  assert.match(r.stdout, /^\[flaky\] attempt 2$/m);
  assert.match(r.stdout, /^flaky\s+✓ success\s+\S+\s+2$/m);
});

test('a job timeout kills the step and its background grandchild', async () => {
  const dir = makeRepo({
    '.gantry.yml': `version: 1
jobs:
  slow:
    timeout: 3s
    steps:
      - run: |
          sleep 30 &
          echo $! > pids
          echo $$ >> pids
          sleep 30
`,
  });
  const started = Date.now();
  const r = await runGantry(['exec'], { cwd: dir });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  // 3 s: time for a loaded machine's bash to write both pids first; far below the 30 s sleeps.
  assert.ok(Date.now() - started < 20_000);
  assert.match(r.stdout, /timed out|timeout/i);
  const pids = readPids(join(dir, 'pids'));
  assert.equal(pids.length, 2);
  for (const pid of pids) await waitFor(() => isGone(pid) || undefined, 10_000, `pid ${pid} gone`);
});

test('exit codes: success 0, failure 1, invalid pipeline 3 with diagnostics, missing file 3, bad flag 2', async () => {
  const dir = makeRepo({
    'ok.yml': 'version: 1\njobs:\n  a: { steps: [{ run: "true" }] }\n',
    'fail.yml': 'version: 1\njobs:\n  a: { steps: [{ run: "false" }] }\n',
    'bad.yml': 'version: 1\njobs:\n  a:\n    stepz: []\n',
  });
  assert.equal((await runGantry(['exec', 'ok.yml'], { cwd: dir })).code, 0);
  assert.equal((await runGantry(['exec', 'fail.yml'], { cwd: dir })).code, 1);
  const bad = await runGantry(['exec', 'bad.yml'], { cwd: dir });
  assert.equal(bad.code, 3);
  assert.match(bad.stderr, /^bad\.yml:4:5: error \S+ /m);
  assert.match(bad.stderr, /\d+ errors?, \d+ warnings?/);
  const missing = await runGantry(['exec', 'nope.yml'], { cwd: dir });
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /^gantry: error PIPELINE_NOT_FOUND: no pipeline file at nope\.yml$/m);
  const flag = await runGantry(['exec', 'ok.yml', '--parallel', 'zero'], { cwd: dir });
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /gantry: error CONFIG_INVALID: --parallel/);
  const unknown = await runGantry(['exec', 'ok.yml', '--job', 'b'], { cwd: dir });
  assert.equal(unknown.code, 3);
  assert.match(unknown.stderr, /no job named 'b'/);
});
