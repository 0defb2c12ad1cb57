// Tests of the live log stream: a real SQLite store with one run whose job `j` is running, and a
// real hub.
import type { LogLine } from '../../src/store/index.js';
import { openTempSqliteStore, type TempSqliteStore } from '../../src/store/sqlite/index.js';
import { createLiveHub, type LiveHub } from '../../src/server/live/index.js';

export interface LogFixture {
  temp: TempSqliteStore;
  hub: LiveHub;
  runId: number;
}

export async function openLogFixture(): Promise<LogFixture> {
  const temp = await openTempSqliteStore();
  const project = await temp.store.projects.create({ name: 'p', repoUrl: '/srv/p.git', forge: 'generic' });
  const runId = (await temp.store.runs.create({ projectId: project.id, event: { name: 'manual', sha: 'a' }, trigger: { kind: 'manual' } })).id;
  await temp.store.runs.upsertJob({ runId, jobId: 'j', name: 'j', status: 'running' });
  return { temp, hub: createLiveHub(), runId };
}

/** Line `seq` of job `j`, with a time derived from its seq. */
export function logLine(runId: number, seq: number): LogLine {
  return { runId, jobId: 'j', step: 0, seq, stream: 'stdout', line: `line ${seq}`, ts: 1_700_000_000_000 + seq };
}
