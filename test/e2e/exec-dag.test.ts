import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeRepo, parseNdjson, runGantry } from './helpers.js';

const stamp = (name: string) => `date +%s%N > ${name}.start; sleep 0.4; date +%s%N > ${name}.end`;

test('a diamond runs both middle jobs at the same time, after the first and before the last', async () => {
  const dir = makeRepo({
    '.gantry.yml': `version: 1
jobs:
  a: { steps: [{ run: "${stamp('a')}" }] }
  b: { needs: [a], steps: [{ run: "${stamp('b')}" }] }
  c: { needs: [a], steps: [{ run: "${stamp('c')}" }] }
  d: { needs: [b, c], steps: [{ run: "${stamp('d')}" }] }
`,
  });
  const r = await runGantry(['exec', '--parallel', '2'], { cwd: dir });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const t = (name: string) => BigInt(readFileSync(join(dir, name), 'utf8').trim());
  assert.ok(t('a.end') <= t('b.start') && t('a.end') <= t('c.start'), 'b and c start after a ends');
  assert.ok(t('b.start') < t('c.end') && t('c.start') < t('b.end'), 'b and c overlap');
  assert.ok(t('b.end') <= t('d.start') && t('c.end') <= t('d.start'), 'd starts after b and c');
  assert.match(r.stdout, /^\[d\] ✓ success/m);
  assert.match(r.stdout, /run success/);
  // Durations are remembered for critical-path ordering next time.
  const durations = JSON.parse(readFileSync(join(dir, '.git/gantry/durations.json'), 'utf8')) as Record<string, number>;
  assert.deepEqual(Object.keys(durations).sort(), ['a', 'b', 'c', 'd']);
});

test('a matrix job runs every instance, named in the output; outputs flow to later jobs through env', async () => {
  const dir = makeRepo({
    '.gantry.yml': `version: 1
jobs:
  build:
    outputs: { version: "\${{ steps.v.outputs.version }}" }
    steps:
      - id: v
        run: echo "version=1.2.3" >> "$GANTRY_OUTPUT"
  test:
    needs: [build]
    matrix: { node: [18, 20, 22] }
    env: { VERSION: "\${{ needs.build.outputs.version }}" }
    steps:
      - run: echo "testing $VERSION on node \${{ matrix.node }}"
`,
  });
  const r = await runGantry(['exec'], { cwd: dir });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  for (const node of [18, 20, 22]) {
    assert.match(r.stdout, new RegExp(`^\\[test \\(node: ${node}\\)\\] testing 1\\.2\\.3 on node ${node}$`, 'm'));
  }
  assert.match(r.stdout, /run success/);
});

test('--json prints every event as one JSON line, seq increasing, the run result last', async () => {
  const dir = makeRepo({
    '.gantry.yml': `version: 1
jobs:
  one: { steps: [{ run: "echo hello" }] }
  two: { needs: [one], steps: [{ run: "echo world" }] }
`,
  });
  const r = await runGantry(['exec', '--json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const events = parseNdjson(r.stdout);
  const last = events.at(-1)!;
  assert.equal(last.type, 'run:result');
  assert.equal(last.status, 'success');
  assert.deepEqual(Object.keys(last.jobs as object).sort(), ['one', 'two']);
  const runEvents = events.slice(0, -1);
  assert.equal(runEvents[0]!.type, 'run:started');
  assert.equal(runEvents.at(-1)!.type, 'run:finished');
  const seqs = runEvents.map((e) => e.seq as number);
  for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i]! > seqs[i - 1]!, `seq increases at ${i}`);
  assert.ok(runEvents.some((e) => e.type === 'log' && e.job === 'two' && e.line === 'world'));
  const finishedOne = runEvents.findIndex((e) => e.type === 'job:finished' && e.job === 'one');
  const startedTwo = runEvents.findIndex((e) => e.type === 'job:started' && e.job === 'two');
  assert.ok(finishedOne >= 0 && finishedOne < startedTwo);
});

test('exec runs what the developer asked for even when the event does not match `on`, and says so; job if: still applies', async () => {
  const dir = makeRepo({
    '.gantry.yml': `version: 1
on: { push: { branches: [main] } }
jobs:
  test: { steps: [{ run: "echo tested > tested.txt" }] }
  deploy: { if: "git.branch == 'main'", steps: [{ run: "echo deployed > deployed.txt" }] }
`,
  });
  const r = await runGantry(['exec', '--branch', 'feature/x'], { cwd: dir });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stderr, /note: .*feature\/x.*running anyway/);
  assert.equal(readFileSync(join(dir, 'tested.txt'), 'utf8').trim(), 'tested');
  assert.match(r.stdout, /\[deploy\] .*skipped/);
});
