import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { GantryError } from '../../../core/index.js';
import { SpawnerPool } from './spawner.js';

function run(pool: SpawnerPool, args: string[]) {
  return new Promise<{ pid?: number; out: string; code?: number | null; error?: GantryError }>((resolve) => {
    let out = '';
    let pid: number | undefined;
    pool.spawn(
      { program: 'sh', args, cwd: process.cwd(), env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } },
      {
        started: (p) => (pid = p),
        failed: (error) => resolve({ out, error }),
        output: (_stream, chunk) => (out += chunk.toString()),
        exited: () => undefined,
        closed: (code) => resolve({ ...(pid !== undefined ? { pid } : {}), out, code }),
      },
    );
  });
}

test('a spawner starts processes and forwards their output and exit code', async () => {
  const pool = new SpawnerPool(1);
  try {
    const r = await run(pool, ['-c', 'echo hello; exit 3']);
    assert.equal(r.out, 'hello\n');
    assert.equal(r.code, 3);
    assert.ok(r.pid && r.pid > 0);
  } finally {
    pool.close();
  }
});

test('a spawner that cannot start fails the request with RUNNER_SPAWN_FAILED instead of crashing, and the next request tries again', async () => {
  const pool = new SpawnerPool(1, '/no/such/spawner-child.mjs');
  try {
    const first = await run(pool, ['-c', 'true']);
    assert.ok(first.error instanceof GantryError, 'fails cleanly');
    assert.equal(first.error.code, 'RUNNER_SPAWN_FAILED');
    const second = await run(pool, ['-c', 'true']);
    assert.equal(second.error?.code, 'RUNNER_SPAWN_FAILED');
  } finally {
    pool.close();
  }
});

test('killing a spawner mid-step reports the step failed; the pool recovers with a fresh spawner', async () => {
  const pool = new SpawnerPool(1);
  try {
    const pending = run(pool, ['-c', 'sleep 5']);
    await new Promise((r) => setTimeout(r, 300));
    // Find our spawner: the only child process forked by this test process running spawner-child.
    const { execFileSync } = await import('node:child_process');
    const pids = execFileSync('pgrep', ['-P', String(process.pid), '-f', 'spawner-child.mjs'], { encoding: 'utf8' }).trim().split('\n');
    process.kill(Number(pids[0]), 'SIGKILL');
    const r = await pending;
    assert.equal(r.error?.code, 'RUNNER_SPAWN_FAILED');
    const again = await run(pool, ['-c', 'echo ok']);
    assert.equal(again.out, 'ok\n');
  } finally {
    pool.close();
  }
});

test('a step printing far more than the parent reads does not balloon the spawner: its pipes are paused', async () => {
  const pool = new SpawnerPool(1);
  try {
    // 64 MiB of output; the parent holds its event loop busy for a while so IPC backs up.
    let bytes = 0;
    let pid = 0;
    const done = new Promise<void>((resolve, reject) => {
      pool.spawn(
        { program: 'sh', args: ['-c', 'head -c 67108864 /dev/zero'], cwd: process.cwd(), env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } },
        {
          started: (p) => (pid = p),
          failed: reject,
          output: (_s, chunk) => (bytes += chunk.length),
          exited: () => undefined,
          closed: () => resolve(),
        },
      );
    });
    await new Promise((r) => setTimeout(r, 200));
    const busyUntil = Date.now() + 1500;
    while (Date.now() < busyUntil); // the parent reads nothing for 1.5 s
    const { execFileSync } = await import('node:child_process');
    const spawnerPid = execFileSync('pgrep', ['-P', String(process.pid), '-f', 'spawner-child.mjs'], { encoding: 'utf8' }).trim().split('\n')[0];
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(execFileSync('cat', [`/proc/${spawnerPid}/status`], { encoding: 'utf8' }))?.[1]);
    await done;
    assert.ok(pid > 0);
    assert.equal(bytes, 67108864, 'every byte arrives');
    assert.ok(rssKb < 120 * 1024, `spawner RSS ${Math.round(rssKb / 1024)} MiB while the parent was not reading`);
  } finally {
    pool.close();
  }
});

function spawnerPids(): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid), '-f', 'spawner-child.mjs'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('an idle spawner exits after idleMs (an idle server keeps no spawner); the next step gets a fresh one', async () => {
  const pool = new SpawnerPool(1, undefined, { idleMs: 200 });
  try {
    assert.equal((await run(pool, ['-c', 'echo one'])).out, 'one\n');
    const first = spawnerPids();
    assert.equal(first.length, 1);
    await until('the idle spawner exits', () => spawnerPids().length === 0);
    assert.equal((await run(pool, ['-c', 'echo two'])).out, 'two\n');
    const second = spawnerPids();
    assert.equal(second.length, 1);
    assert.notEqual(second[0], first[0]);
  } finally {
    pool.close();
  }
});

test('a spawner that relayed more than recycleAfterBytes is replaced as soon as it is idle, and only then', async () => {
  const pool = new SpawnerPool(1, undefined, { idleMs: 60_000, recycleAfterBytes: 1024 * 1024 });
  try {
    const quiet = await run(pool, ['-c', 'echo small']);
    assert.equal(quiet.out, 'small\n');
    const [kept] = spawnerPids();
    assert.equal((await run(pool, ['-c', 'echo again'])).out, 'again\n');
    assert.deepEqual(spawnerPids(), [kept], 'a quiet spawner stays while steps keep coming');
    const loud = await run(pool, ['-c', 'head -c 2097152 /dev/zero']);
    assert.equal(loud.out.length, 2097152);
    await until('the loud spawner exits', () => !spawnerPids().includes(kept!));
    assert.equal((await run(pool, ['-c', 'echo fresh'])).out, 'fresh\n');
    assert.equal(spawnerPids().length, 1);
  } finally {
    pool.close();
  }
});
