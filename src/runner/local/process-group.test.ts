import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { waitGone } from '../testing/process-probe.js';
import { execInProcessGroup } from './process-group.js';
import { SpawnerPool, type SpawnHandlers, type SpawnRequest } from './spawner/spawner.js';

const scratch = mkdtempSync(join(tmpdir(), 'gantry-pg-test-'));
const real = new SpawnerPool(1);
after(() => {
  real.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** A pool whose spawner reports the pid late, as a busy spawner on a loaded machine does. */
function slowToReport(delayMs: number): SpawnerPool {
  return {
    spawn: (request: SpawnRequest, handlers: SpawnHandlers) =>
      real.spawn(request, { ...handlers, started: (pid) => setTimeout(() => handlers.started(pid), delayMs) }),
  } as unknown as SpawnerPool;
}

for (const [what, extra] of [
  ['a timeout', { timeoutMs: 30 }],
  ['a cancel', {}],
] as const) {
  test(`${what} that comes before the spawner reported the pid still stops the process group`, async () => {
    const controller = new AbortController();
    const live = new Set<number>();
    let out = '';
    const started = Date.now();
    const running = execInProcessGroup(
      slowToReport(400),
      live,
      {
        workspace: { dir: scratch, tempDir: scratch, owned: false },
        argv: ['sh', '-c', 'echo $$; exec sleep 1000'],
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
        cwd: scratch,
        killGraceMs: 100,
        signal: controller.signal,
        ...extra,
      },
      (_stream, chunk) => (out += chunk.toString()),
    );
    if (what === 'a cancel') setTimeout(() => controller.abort(), 30);
    const result = await running;
    assert.ok(Date.now() - started < 5000, 'ended promptly');
    assert.equal(what === 'a timeout' ? result.timedOut : result.canceled, true);
    const pid = Number(out.trim());
    assert.ok(pid > 0 && (await waitGone(pid, 10_000)), `process ${pid} survived`);
    assert.equal(live.size, 0);
  });
}
