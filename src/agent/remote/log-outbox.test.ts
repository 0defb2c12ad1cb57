import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { test } from 'node:test';
import { systemClock } from '../../core/index.js';
import type { AgentLine } from '../port.js';
import { AgentCallError } from './agent-client.js';
import { LogOutbox } from './log-outbox.js';

/*
 * The log outbox of a remote agent's lease against a fake server that stores lines the way the
 * engine does (sequenced, idempotent on seq, answering the seq it has on a gap) and can be
 * "unreachable". Lines beyond the memory buffer go to the spool file while the server is away.
 */

function fakeServer(logSeq = 0) {
  const stored: AgentLine[] = [];
  let up = true;
  let refusal: AgentCallError | undefined;
  let calls = 0;
  return {
    stored,
    get calls() {
      return calls;
    },
    setUp(value: boolean) {
      up = value;
    },
    /** Reachable, but every call is answered with this error until it is set back to undefined. */
    refuse(err: AgentCallError | undefined) {
      refusal = err;
    },
    async send(lines: readonly AgentLine[]): Promise<{ acceptedUpTo: number }> {
      calls++;
      if (!up) throw new AgentCallError('API_UNREACHABLE', 'connection refused', status.UNAVAILABLE);
      if (refusal) throw refusal;
      let expected = stored.at(-1)?.seq ?? logSeq;
      for (const line of lines) {
        if (line.seq <= expected) continue;
        if (line.seq !== expected + 1) break;
        stored.push(line);
        expected = line.seq;
      }
      return { acceptedUpTo: expected };
    },
  };
}

function lines(from: number, count: number, prefix = 'line'): AgentLine[] {
  return Array.from({ length: count }, (_, i) => ({ seq: from + i, step: 0, stream: 'stdout' as const, line: `${prefix} ${from + i}`, ts: 1 }));
}

function setUp(t: { after(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-outbox-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('server unreachable: lines past the memory buffer are spooled to disk, then all resent in order after reconnect; spool removed', async (t) => {
  const dir = setUp(t);
  const server = fakeServer(10);
  const notices: string[] = [];
  const spoolFile = join(dir, 'spool', 'lease.1.jsonl');
  const outbox = new LogOutbox({ send: (l) => server.send(l), spoolFile, logSeq: 10, memoryLines: 50, giveUpAfterMs: 60_000, clock: systemClock, onNotice: (m) => notices.push(m) });
  server.setUp(false);
  for (let i = 0; i < 10; i++) outbox.add(lines(11 + i * 100, 100));
  assert.equal(outbox.pending, 1000);
  const spooled = readFileSync(spoolFile, 'utf8').trim().split('\n');
  assert.equal(spooled.length, 950, 'everything past the 50 lines in memory is in the spool file');
  assert.equal((JSON.parse(spooled[0]!) as AgentLine).line, 'line 61');
  server.setUp(true);
  await outbox.drain();
  assert.deepEqual(server.stored.map((l) => l.seq), Array.from({ length: 1000 }, (_, i) => 11 + i), 'every line once, in seq order');
  assert.deepEqual(server.stored.map((l) => l.line), Array.from({ length: 1000 }, (_, i) => `line ${11 + i}`));
  assert.equal(existsSync(spoolFile), false, 'the spool is removed once it is sent');
  outbox.close();
  assert.equal(notices.length, 1, 'one notice when spooling starts');
  assert.match(notices[0]!, /^100 log lines wait for the server: spooling to .*lease\.1\.jsonl$/);
});

test('a gap answer (the server has fewer lines than the agent thought) resends from the seq the server expects', async (t) => {
  const dir = setUp(t);
  // The server already has 1..5 from an earlier attempt of this agent's call it never heard back from.
  const server = fakeServer(0);
  await server.send(lines(1, 5));
  const outbox = new LogOutbox({ send: (l) => server.send(l), spoolFile: join(dir, 's.jsonl'), logSeq: 3, giveUpAfterMs: 60_000, clock: systemClock, onNotice: () => undefined });
  // The outbox numbers from 3 (what the lease said): 4, 5 are duplicates the server ignores.
  outbox.add(lines(4, 10));
  await outbox.drain();
  assert.deepEqual(server.stored.map((l) => l.seq), Array.from({ length: 13 }, (_, i) => i + 1));
});

test('the spool cannot be written (path under a regular file): lines kept in memory up to the bound, the rest dropped and counted in a system line; no crash, no seq gap', async (t) => {
  const dir = setUp(t);
  const blocker = join(dir, 'not-a-dir');
  writeFileSync(blocker, '');
  const server = fakeServer(0);
  const notices: string[] = [];
  const outbox = new LogOutbox({
    send: (l) => server.send(l), spoolFile: join(blocker, 'spool.jsonl'), logSeq: 0, memoryLines: 10, maxMemoryLines: 30,
    giveUpAfterMs: 60_000, clock: systemClock, onNotice: (m) => notices.push(m),
  });
  server.setUp(false);
  outbox.add(lines(1, 100));
  assert.equal(outbox.pending, 30, 'memory bound');
  server.setUp(true);
  while (outbox.pending > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  outbox.add(lines(101, 2, 'after'));
  await outbox.drain();
  const got = server.stored;
  assert.deepEqual(got.map((l) => l.seq), Array.from({ length: got.length }, (_, i) => i + 1), 'no gap in seq');
  assert.deepEqual(got.slice(0, 30).map((l) => l.line), Array.from({ length: 30 }, (_, i) => `line ${i + 1}`));
  assert.equal(got[30]!.stream, 'system');
  assert.match(got[30]!.line, /^70 log line\(s\) dropped here/);
  assert.deepEqual(got.slice(31).map((l) => l.line), ['after 101', 'after 102']);
  assert.match(notices.join('\n'), /cannot spool log lines/);
});

test('LEASE_STALE while sending: the outbox ends, drops its spool, and the next add throws the refusal', async (t) => {
  const dir = setUp(t);
  const spoolFile = join(dir, 's.jsonl');
  let up = false;
  const outbox = new LogOutbox({
    send: async () => {
      if (!up) throw new AgentCallError('API_UNREACHABLE', 'down', status.UNAVAILABLE);
      throw new AgentCallError('LEASE_STALE', 'lease moved on', status.FAILED_PRECONDITION);
    },
    spoolFile, logSeq: 0, memoryLines: 1, giveUpAfterMs: 60_000, clock: systemClock, onNotice: () => undefined,
  });
  outbox.add(lines(1, 5));
  assert.equal(existsSync(spoolFile), true);
  up = true;
  await assert.rejects(outbox.drain(), { code: 'LEASE_STALE' });
  assert.equal(existsSync(spoolFile), false);
  assert.throws(() => outbox.add(lines(6, 1)), { code: 'LEASE_STALE' });
});

test('a server that cannot store lines for now (STORE_UNAVAILABLE: its disk is full) gets them again, in order, once it can', async (t) => {
  const dir = setUp(t);
  const server = fakeServer();
  server.refuse(new AgentCallError('STORE_UNAVAILABLE', 'logs.append: database or disk is full', status.UNAVAILABLE));
  const outbox = new LogOutbox({ send: (l) => server.send(l), spoolFile: join(dir, 's.jsonl'), logSeq: 0, giveUpAfterMs: 60_000, clock: systemClock, onNotice: () => undefined });
  outbox.add(lines(1, 5));
  while (server.calls < 2) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(server.stored.length, 0, 'nothing stored while the server refuses');
  server.refuse(undefined);
  await outbox.drain();
  assert.deepEqual(server.stored.map((l) => l.seq), [1, 2, 3, 4, 5]);
});
