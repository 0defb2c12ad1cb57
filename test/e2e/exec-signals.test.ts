import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isGone, makeRepo, readIfExists, readPids, runGantry, waitFor } from './helpers.js';

const pipeline = `version: 1
jobs:
  long:
    steps:
      - run: |
          sleep 30 &
          echo $! >> pids
          echo $$ >> pids
          touch ready
          sleep 30
  cleanup:
    needs: [long]
    if: always()
    steps: [{ run: "touch cleanup.ran" }]
`;

test('Ctrl-C cancels the run: exit 130, every step process gone, always() cleanup still runs', async () => {
  const dir = makeRepo({ '.gantry.yml': pipeline });
  const r = await runGantry(['exec'], {
    cwd: dir,
    onSpawn: (child) => {
      void waitFor(() => existsSync(join(dir, 'ready')) || undefined, 30_000, 'step ready').then(() => child.kill('SIGINT'));
    },
  });
  assert.equal(r.code, 130, r.stdout + r.stderr);
  assert.match(r.stdout, /canceling… press Ctrl-C again to force/);
  assert.match(r.stdout, /^\[long\] ⊘ canceled/m);
  assert.equal(existsSync(join(dir, 'cleanup.ran')), true, 'cleanup job ran after cancel');
  const pids = readPids(join(dir, 'pids'));
  assert.equal(pids.length, 2);
  for (const pid of pids) await waitFor(() => isGone(pid) || undefined, 10_000, `pid ${pid} gone`);
});

test('a second Ctrl-C forces: exit 130 at once, no process left behind', async () => {
  // A step that ignores TERM, so the graceful cancel would have to wait out the kill grace.
  const dir = makeRepo({
    '.gantry.yml': `version: 1
jobs:
  stubborn:
    steps:
      - run: |
          trap '' TERM
          sleep 30 &
          echo $! >> pids
          echo $$ >> pids
          touch ready
          wait
`,
  });
  let sentAt = 0;
  const r = await runGantry(['exec'], {
    cwd: dir,
    onSpawn: (child) => {
      void waitFor(() => existsSync(join(dir, 'ready')) || undefined, 30_000, 'step ready').then(async () => {
        sentAt = Date.now();
        child.kill('SIGINT');
        await new Promise((r) => setTimeout(r, 150));
        child.kill('SIGINT');
      });
    },
  });
  assert.equal(r.code, 130, r.stdout + r.stderr);
  // The kill grace of gantry exec is 2 s: a graceful cancel of this step could not end sooner.
  assert.ok(Date.now() - sentAt < 2000, `forced exit after ${Date.now() - sentAt} ms: it waited for the kill grace`);
  const pids = readPids(join(dir, 'pids'));
  for (const pid of pids) await waitFor(() => isGone(pid) || undefined, 10_000, `pid ${pid} gone`);
  assert.equal(readIfExists(join(dir, 'nothing')), undefined);
});
