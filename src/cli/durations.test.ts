import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createDurationStore, durationsFile, mergeDurations } from './durations.js';

test('new observations are averaged with the previous estimate', () => {
  assert.deepEqual(mergeDurations({ a: 1000, b: 50 }, { a: 3000, c: 7 }), { a: 2000, b: 50, c: 7 });
});

test('the store round-trips through <git dir>/gantry/durations.json and ignores junk', async () => {
  const gitDir = mkdtempSync(join(tmpdir(), 'gantry-dur-'));
  const file = durationsFile(gitDir)!;
  const store = createDurationStore(file);
  assert.deepEqual(await store.read(), {});
  await store.update({ build: 1200 });
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { build: 1200 });
  writeFileSync(file, '{"build": "fast", "test": 10}');
  assert.deepEqual(await store.read(), { test: 10 });
  assert.equal(durationsFile(undefined), undefined);
  await createDurationStore(undefined).update({ x: 1 }); // outside git: remembers nothing, no throw
});
