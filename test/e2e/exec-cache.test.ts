import assert from 'node:assert/strict';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeRepo, runGantry } from './helpers.js';

const pipeline = (key: string) => `version: 1
jobs:
  build:
    cache: [{ key: ${key}, paths: [deps] }]
    steps: [{ run: "test -f deps/made && echo restored || { mkdir -p deps && echo x > deps/made && echo made; }" }]
`;

test('gantry exec keeps caches in .git/gantry/cache: saved once, restored next time; --cache-max-size keeps the newest within the bound', async (t) => {
  const dir = makeRepo({ '.gantry.yml': pipeline('deps-a'), '.gitignore': 'deps/\n' });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const entries = () => readdirSync(join(dir, '.git', 'gantry', 'cache', 'entries'));

  const first = await runGantry(['exec'], { cwd: dir });
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.match(first.stdout, /^\[build\] made$/m);
  assert.equal(entries().length, 1);

  rmSync(join(dir, 'deps'), { recursive: true });
  const second = await runGantry(['exec'], { cwd: dir });
  assert.equal(second.code, 0, second.stdout + second.stderr);
  assert.match(second.stdout, /^\[build\] restored$/m);

  // Another key with a bound of 1 byte: the entry just saved stays, the older one is evicted.
  rmSync(join(dir, 'deps'), { recursive: true });
  const other = join(dir, 'other.yml');
  writeFileSync(other, pipeline('deps-b'));
  const bounded = await runGantry(['exec', other, '--cache-max-size', '1'], { cwd: dir });
  assert.equal(bounded.code, 0, bounded.stdout + bounded.stderr);
  assert.equal(entries().length, 1, 'deps-a was evicted');
  rmSync(join(dir, 'deps'), { recursive: true });
  const again = await runGantry(['exec'], { cwd: dir });
  assert.match(again.stdout, /^\[build\] made$/m, 'deps-a is gone: a miss');
});

test('gantry exec --cache-max-size with something that is not a size: exit 2 and what is expected', async (t) => {
  const dir = makeRepo({ '.gantry.yml': pipeline('k') });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await runGantry(['exec', '--cache-max-size', 'lots'], { cwd: dir });
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /--cache-max-size expects a size such as 500m or 2g, got "lots"/);
});
