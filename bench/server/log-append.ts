import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRunService, type AgentLogLine } from '../../src/engine/index.js';
import { compilePipeline, loadPipeline } from '../../src/pipeline/index.js';
import { openTempSqliteStore } from '../../src/store/sqlite/index.js';
import { ONE_TRUE_JOB } from './api-parts.js';

/*
 * (c) 1M log lines of one step to durable storage, in process: the agent protocol's appendLogs on
 * the run service's job queue (the call the embedded agent makes for each batch: lease check,
 * sequence check, LogStore.append in one transaction) against a bare better-sqlite3 loop inserting
 * the same lines in 1000-line transactions into a table of the same shape, same pragmas.
 */

const SCHEMA = fileURLToPath(new URL('../../migrations/sqlite/schema.sql', import.meta.url));
const BATCH = 1000;

/** The same text both sides: a typical build-log line (~70 bytes). */
const lineText = (i: number): string => `[build] compiling module ${i % 977} of 977: src/generated/file-${i}.ts ok`;

export interface AppendResult {
  lines: number;
  gantryMs: number[];
  bareMs: number[];
}

function logLinesDdl(): string {
  const m = /CREATE TABLE log_lines \([\s\S]*?\) STRICT, WITHOUT ROWID;/.exec(readFileSync(SCHEMA, 'utf8'));
  if (!m) throw new Error(`no log_lines table in ${SCHEMA}`);
  return m[0];
}

/** The baseline: one prepared INSERT, one IMMEDIATE transaction per 1000 lines. */
function bare(lines: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-bare-'));
  const db = new Database(join(dir, 'bare.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.exec('CREATE TABLE runs (id INTEGER PRIMARY KEY) STRICT');
    db.exec(logLinesDdl());
    db.prepare('INSERT INTO runs (id) VALUES (1)').run();
    const insert = db.prepare('INSERT INTO log_lines (run_id, job_id, seq, step, stream, line, ts) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const batch = db.transaction((from: number) => {
      for (let seq = from; seq < from + BATCH; seq++) insert.run(1, 'only', seq, 0, 'stdout', lineText(seq), 1_700_000_000_000 + seq);
    });
    const started = performance.now();
    for (let from = 1; from <= lines; from += BATCH) batch.immediate(from);
    return performance.now() - started;
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** gantry: a real run on a temp SQLite store, leased by hand, its lines sent as an agent sends them. */
async function gantry(lines: number): Promise<number> {
  const temp = await openTempSqliteStore();
  const service = createRunService({ store: temp.store, leaseTtlMs: 60_000 });
  try {
    const project = await temp.store.projects.create({ name: 'bench', repoUrl: '/nonexistent', forge: 'generic' });
    const loaded = loadPipeline(ONE_TRUE_JOB, '.gantry.yml').loaded!;
    const plan = compilePipeline(loaded, { name: 'api', sha: 'd'.repeat(40) }).plan!;
    await temp.store.runs.create({ projectId: project.id, event: plan.event, trigger: { kind: 'api' }, plan });
    await service.start();
    const lease = await service.agentPort.lease({ agentId: 'bench', labels: [], capacity: 1 }, AbortSignal.timeout(10_000));
    if (!lease) throw new Error('no lease');
    // Lines are built per batch, as an agent would: building them is part of neither side's cost.
    const started = performance.now();
    for (let from = lease.logSeq + 1; from <= lines; from += BATCH) {
      const batch: AgentLogLine[] = [];
      for (let seq = from; seq < from + BATCH; seq++) batch.push({ seq, step: 0, stream: 'stdout', line: lineText(seq), ts: 1_700_000_000_000 + seq });
      const { acceptedUpTo } = await service.agentPort.appendLogs(lease.leaseId, lease.epoch, batch);
      if (acceptedUpTo !== from + BATCH - 1) throw new Error(`accepted up to ${acceptedUpTo}, sent ${from + BATCH - 1}`);
    }
    const ms = performance.now() - started;
    const stored = await temp.store.logs.lastSeq(lease.runId, 'only');
    if (stored !== lines) throw new Error(`stored ${stored} lines, sent ${lines}`);
    await service.agentPort.done(lease.leaseId, lease.epoch, { status: 'success', outputs: {} });
    return ms;
  } finally {
    service.stopTakingWork();
    await service.close();
    await temp.cleanup();
  }
}

export async function logAppend(lines: number, reps: number): Promise<AppendResult> {
  // Interleaved, so fsync latency swings on a shared disk hit both sides alike.
  const result: AppendResult = { lines, gantryMs: [], bareMs: [] };
  for (let rep = 0; rep < reps; rep++) {
    result.bareMs.push(bare(lines));
    result.gantryMs.push(await gantry(lines));
  }
  return result;
}
