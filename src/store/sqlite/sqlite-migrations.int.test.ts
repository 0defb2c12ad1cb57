import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { GantryError } from '../../core/index.js';
import { DEFAULT_PROJECT_SETTINGS } from '../index.js';
import { SQLITE_MIGRATIONS } from '../../../migrations/sqlite/index.js';
import { createSqliteStore, dumpSqliteSchema, openTempSqliteStore } from './index.js';

const schemaFile = fileURLToPath(new URL('../../../migrations/sqlite/schema.sql', import.meta.url));
const HEADER = '-- Generated: the SQLite schema after every migration. Do not edit; run\n' +
  '--   UPDATE_SCHEMA=1 node scripts/run-tests.mjs src/store/sqlite/sqlite-migrations.int.test.ts\n\n';

test('the migrated schema matches migrations/sqlite/schema.sql', async (t) => {
  const temp = await openTempSqliteStore();
  t.after(() => temp.cleanup());
  const raw = new Database(temp.file, { readonly: true });
  const dump = HEADER + dumpSqliteSchema(raw);
  raw.close();
  if (process.env.UPDATE_SCHEMA === '1') writeFileSync(schemaFile, dump);
  const committed = readFileSync(schemaFile, 'utf8');
  assert.equal(dump, committed,
    'The schema produced by the migrations differs from migrations/sqlite/schema.sql. If the change is intended, ' +
    'rewrite the dump with `UPDATE_SCHEMA=1 node scripts/run-tests.mjs src/store/sqlite/sqlite-migrations.int.test.ts` and commit it.');
});

test('connection settings: WAL, foreign keys, busy timeout; :memory: is refused', async (t) => {
  const temp = await openTempSqliteStore({ busyTimeoutMs: 1234 });
  t.after(() => temp.cleanup());
  const raw = new Database(temp.file);
  assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
  raw.close();
  // foreign_keys is per connection: prove the store's own connection enforces it.
  await assert.rejects(temp.store.runs.upsertJob({ runId: 77, jobId: 'x', name: 'x', status: 'queued' }), { code: 'STORE_NOT_FOUND' });
  await assert.rejects(createSqliteStore({ file: ':memory:' }), { code: 'CONFIG_INVALID' });
});

test('an older database is migrated forward at open and keeps its data', async (t) => {
  const first = Object.keys(SQLITE_MIGRATIONS).sort()[0]!;
  const temp = await openTempSqliteStore({ migrations: { [first]: SQLITE_MIGRATIONS[first]! } });
  t.after(() => temp.cleanup());
  await temp.store.close();
  // Rows as the first release wrote them: raw SQL against its schema (today's store code writes
  // columns later migrations added).
  const old = new Database(temp.file);
  old.prepare(`INSERT INTO projects (name, repo_url, forge, default_branch, auto_cancel, priority, last_run_number, created_at, updated_at)
               VALUES ('old', '/srv/old.git', 'generic', 'main', 1, 3, 1, 1000, 1000)`).run();
  old.prepare(`INSERT INTO runs (project_id, number, event_name, sha, event_json, trigger_json, status, created_at, updated_at)
               VALUES (1, 1, 'manual', 'a', '{"name":"manual","sha":"a"}', '{"kind":"manual","actor":"me"}', 'queued', 2000, 2000)`).run();
  assert.throws(() => old.prepare('SELECT 1 FROM log_lines').get(), /no such table/, 'the old schema has no log table yet');
  old.close();

  const current = await temp.reopen({ migrations: SQLITE_MIGRATIONS });
  const project = await current.projects.getByName('old');
  assert.equal(project?.repoUrl, '/srv/old.git');
  assert.deepEqual(project?.settings, { ...DEFAULT_PROJECT_SETTINGS, autoCancel: true, priority: 3 }, 'new settings take their defaults');
  const run = await current.runs.getByNumber(project!.id, 1);
  assert.equal(run?.status, 'queued');
  assert.deepEqual(run?.trigger, { kind: 'manual', actor: 'me' });
  assert.equal(await current.logs.append([{ runId: run!.id, jobId: 'j', step: 0, seq: 1, stream: 'stdout', line: 'x', ts: 1 }]), 1);
  const raw = new Database(temp.file, { readonly: true });
  const applied = raw.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as { name: string }[];
  raw.close();
  assert.deepEqual(applied.map((r) => r.name), Object.keys(SQLITE_MIGRATIONS).sort());
});

test('a database migrated by a newer Gantry is refused with a clear error and left untouched', async (t) => {
  const temp = await openTempSqliteStore();
  t.after(() => temp.cleanup());
  await temp.store.projects.create({ name: 'kept', repoUrl: '/r', forge: 'github' });
  await temp.store.close();
  const raw = new Database(temp.file);
  raw.prepare(`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999-from-the-future', '2099-01-01')`).run();
  raw.close();

  const err = await temp.reopen().then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof GantryError);
  assert.equal(err.code, 'STORE_SCHEMA_TOO_NEW');
  assert.match(err.message, /newer Gantry.*9999-from-the-future.*Upgrade Gantry/s);
  const check = new Database(temp.file, { readonly: true });
  assert.equal((check.prepare('SELECT count(*) AS n FROM projects').get() as { n: number }).n, 1);
  check.close();
});
