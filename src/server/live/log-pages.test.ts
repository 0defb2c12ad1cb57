import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { SseParser } from '../../api-client/index.js';
import type { LogLine, LogStore } from '../../store/index.js';
import { openTempSqliteStore, type TempSqliteStore } from '../../store/sqlite/index.js';
import { batchEvents, logEvent, LogPages } from './log-pages.js';

// LogPages over a real SQLite store; the store's `read` is wrapped only to count the reads.

let temp: TempSqliteStore;
let runId: number;
let reads: number;
let logs: Pick<LogStore, 'read'>;

beforeEach(async () => {
  temp = await openTempSqliteStore();
  const project = await temp.store.projects.create({ name: 'p', repoUrl: '/srv/p.git', forge: 'generic' });
  runId = (await temp.store.runs.create({ projectId: project.id, event: { name: 'manual', sha: 'a' }, trigger: { kind: 'manual' } })).id;
  await temp.store.runs.upsertJob({ runId, jobId: 'j', name: 'j', status: 'running' });
  reads = 0;
  logs = { read: (...args) => (reads++, temp.store.logs.read(...args)) };
});

afterEach(async () => {
  await temp.cleanup();
});

const line = (seq: number): LogLine => ({ runId, jobId: 'j', step: 0, seq, stream: 'stdout', line: `line ${seq} "quoted"`, ts: 1_700_000_000_000 + seq });
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const append = (seqs: number[]) => temp.store.logs.append(seqs.map(line));

function parse(text: string): { id: string | undefined; data: unknown }[] {
  const parser = new SseParser();
  return parser.push(text).map((e) => ({ id: e.id, data: JSON.parse(e.data) }));
}

test('an event is `id: seq` + the line as JSON with an ISO time', () => {
  assert.deepEqual(parse(logEvent(line(7))), [{ id: '7', data: { seq: 7, step: 0, stream: 'stdout', line: 'line 7 "quoted"', time: '2023-11-14T22:13:20.007Z' } }]);
});

test('a batch handed to many followers is formatted once: the text is kept with the batch array', () => {
  let reads = 0;
  const counted = (seq: number): LogLine => {
    const l = line(seq);
    return { ...l, get line() {
      reads++;
      return l.line;
    } };
  };
  const batch = [counted(1), counted(2), counted(3)];
  const text = batchEvents(batch);
  assert.equal(batchEvents(batch), text);
  assert.equal(reads, 3, 'each line formatted once for two followers');
  assert.equal(text, [1, 2, 3].map((s) => logEvent(line(s))).join(''));
  batchEvents([...batch]);
  assert.equal(reads, 6, 'another array is another batch');
});

test('followers catching up from different places inside a complete page share one store read', async () => {
  await append(range(1, 25));
  const pages = new LogPages();
  const [a, b] = await Promise.all([pages.read(logs, runId, 'j', 1, 10), pages.read(logs, runId, 'j', 1, 10)]);
  const c = await pages.read(logs, runId, 'j', 1, 10);
  assert.equal(reads, 1);
  assert.equal(a, b);
  assert.equal(a, c);
  assert.deepEqual([a.count, a.lastSeq], [10, 20]);
  assert.deepEqual(parse(a.eventsAfter(14)).map((e) => e.id), ['15', '16', '17', '18', '19', '20']);
  assert.deepEqual(parse(a.eventsAfter(10)).map((e) => e.id), range(11, 20).map(String));
  assert.equal(a.eventsAfter(20), '');
});

test('the last, incomplete page is read again: lines stored later are not missed', async () => {
  await append(range(1, 15));
  const pages = new LogPages();
  const before = await pages.read(logs, runId, 'j', 1, 10);
  assert.deepEqual([before.count, before.lastSeq], [5, 15]);
  await append(range(16, 20));
  const after = await pages.read(logs, runId, 'j', 1, 10);
  assert.deepEqual([after.count, after.lastSeq], [10, 20]);
  assert.equal(reads, 2);
});

test('the cache keeps at most maxPages pages, least recently used out first', async () => {
  await append(range(1, 40));
  const pages = new LogPages(2);
  await pages.read(logs, runId, 'j', 0, 10);
  await pages.read(logs, runId, 'j', 1, 10);
  await pages.read(logs, runId, 'j', 0, 10); // page 0 is now the newest
  await pages.read(logs, runId, 'j', 2, 10); // evicts page 1
  assert.equal(reads, 3);
  await pages.read(logs, runId, 'j', 0, 10);
  assert.equal(reads, 3);
  await pages.read(logs, runId, 'j', 1, 10);
  assert.equal(reads, 4);
});
