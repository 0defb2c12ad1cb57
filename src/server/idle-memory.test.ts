import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startIdleMemory } from './idle-memory.js';

test('one full GC once the server has been idle for idleMs after work; none while busy, none when nothing ran', () => {
  let busy = false;
  let collections = 0;
  const idle = startIdleMemory({ busy: () => busy, idleMs: 5000, everyMs: 60_000, collect: () => collections++ });
  try {
    idle.tick(0);
    idle.tick(10_000);
    assert.equal(collections, 0, 'idle from the start: nothing to give back');

    busy = true;
    idle.tick(11_000);
    idle.tick(20_000);
    assert.equal(collections, 0, 'never while busy');
    busy = false;
    idle.tick(21_000);
    idle.tick(25_000);
    assert.equal(collections, 0, 'idle for 4 s only');
    idle.tick(26_000);
    assert.equal(collections, 1, 'idle for 5 s after work');
    idle.tick(40_000);
    assert.equal(collections, 1, 'once per busy period');

    busy = true;
    idle.tick(41_000);
    busy = false;
    idle.tick(42_000);
    busy = true;
    idle.tick(44_000);
    busy = false;
    idle.tick(45_000);
    idle.tick(49_000);
    assert.equal(collections, 1, 'a new busy period restarts the idle clock');
    idle.tick(50_000);
    assert.equal(collections, 2);
  } finally {
    idle.stop();
  }
});

test("the default collector is V8's own full GC: an object only a WeakRef holds is gone after it", async () => {
  let busy = true;
  const idle = startIdleMemory({ busy: () => busy, idleMs: 0, everyMs: 60_000 });
  try {
    const ref = new WeakRef({ big: new Array(100_000).fill(1) });
    // A WeakRef keeps its target alive until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    idle.tick(0);
    busy = false;
    idle.tick(1);
    assert.equal(ref.deref(), undefined);
  } finally {
    idle.stop();
  }
});
