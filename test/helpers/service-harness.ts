import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { createEmbeddedAgent, type EmbeddedAgent } from '../../src/agent/index.js';
import { createRunService, type RunService } from '../../src/engine/index.js';
import type { Plan } from '../../src/pipeline/index.js';
import type { Run, Store } from '../../src/store/index.js';
import { openTempSqliteStore } from '../../src/store/sqlite/index.js';

/**
 * Tests: a real SQLite store in a temp dir with one project, `queue(plan)` to store a queued run, and
 * `start()` to bring up a run service plus an embedded agent on it (or on another Store opened on the
 * same file, for restarts). Everything started is stopped and removed after the test.
 */
export async function harness(t: TestContext, options: { capacity?: number; leaseTtlMs?: number } = {}) {
  const temp = await openTempSqliteStore();
  const work = mkdtempSync(join(tmpdir(), 'gantry-agent-'));
  const parts: { service: RunService; agent: EmbeddedAgent }[] = [];
  t.after(async () => {
    for (const { service, agent } of parts) {
      service.stopTakingWork();
      await agent.stop({ drain: false });
      await service.close();
    }
    await temp.cleanup();
    rmSync(work, { recursive: true, force: true });
  });
  const start = async (store: Store = temp.store) => {
    // A long lease by default: the embedded agent heartbeats at most 1 s apart whatever the TTL, and on
    // a loaded CI machine a short lease can lapse and requeue a job under the test's feet.
    const service = createRunService({ store, leaseTtlMs: options.leaseTtlMs ?? 10_000, pollIntervalMs: 50 });
    const agent = createEmbeddedAgent({
      port: service.agentPort,
      capacity: options.capacity ?? 2,
      workRoot: join(work, `agent-${parts.length}`),
      checkout: async () => assert.fail('no checkout expected'),
    });
    parts.push({ service, agent });
    await service.start();
    agent.start();
    return { service, agent };
  };
  const project = await temp.store.projects.create({ name: 'demo', repoUrl: '/nonexistent', forge: 'generic' });
  const queue = (plan: Plan): Promise<Run> =>
    temp.store.runs.create({ projectId: project.id, event: plan.event, trigger: { kind: plan.event.name }, plan });
  return { temp, store: temp.store, project, start, queue, work };
}

/** Polls `probe` every 20 ms until it returns something (not undefined/false). */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const finished = (store: Store, runId: number): Promise<Run> =>
  waitFor(`run ${runId} to finish`, async () => {
    const run = await store.runs.get(runId);
    return run && ['success', 'failure', 'canceled', 'error', 'skipped'].includes(run.status) ? run : undefined;
  });
