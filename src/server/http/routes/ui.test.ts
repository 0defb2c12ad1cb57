// The UI's static serving through the real HTTP app (inject): files by path, index.html for client
// routes, and never in the way of the API, webhooks, health or metrics.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { openTempSqliteStore, type TempSqliteStore } from '../../../store/sqlite/index.js';
import { createHttpApp } from '../http-app.js';
import { findWebRoot } from './ui.js';

let temp: TempSqliteStore;
let app: FastifyInstance;
const root = mkdtempSync(join(tmpdir(), 'gantry-web-'));

before(async () => {
  mkdirSync(join(root, 'dist', 'web', 'assets'), { recursive: true });
  writeFileSync(join(root, 'dist', 'web', 'index.html'), '<!doctype html><title>Gantry</title>');
  writeFileSync(join(root, 'dist', 'web', 'assets', 'index-abc.js'), 'console.log(1)');
  temp = await openTempSqliteStore();
  app = await createHttpApp({ store: temp.store, logger: pino({ level: 'silent' }), authenticators: [], readiness: [], webRoot: join(root, 'dist', 'web') });
});

after(async () => {
  await app.close();
  await temp.cleanup();
  rmSync(root, { recursive: true, force: true });
});

test('/ and client routes answer index.html, not cached, with a content security policy', async () => {
  for (const url of ['/', '/login', '/projects/web/runs/3', '/projects/web/runs/3/jobs/test%20(node%3A%2020)?x=1']) {
    const answer = await app.inject({ url });
    assert.equal(answer.statusCode, 200, url);
    assert.match(answer.headers['content-type'] as string, /^text\/html/);
    assert.equal(answer.body, '<!doctype html><title>Gantry</title>');
    assert.equal(answer.headers['cache-control'], 'no-cache');
    assert.match(answer.headers['content-security-policy'] as string, /script-src 'self'/);
  }
});

test('hashed assets are served as immutable; a missing one is a 404, not the shell', async () => {
  const asset = await app.inject({ url: '/assets/index-abc.js' });
  assert.equal(asset.statusCode, 200);
  assert.equal(asset.body, 'console.log(1)');
  assert.match(asset.headers['cache-control'] as string, /immutable/);
  const missing = await app.inject({ url: '/assets/gone-123.js' });
  assert.equal(missing.statusCode, 404);
  assert.match(missing.headers['content-type'] as string, /problem\+json/);
});

test('the UI never shadows /api, /hooks, /healthz, /readyz or /metrics', async () => {
  for (const url of ['/api/v1/nope', '/api', '/hooks/github/x', '/metrics/x', '/healthz/x', '/readyz/x']) {
    const answer = await app.inject({ url });
    assert.equal(answer.statusCode, 404, url);
    assert.match(answer.headers['content-type'] as string, /problem\+json/, url);
  }
  assert.equal((await app.inject({ url: '/healthz' })).json().status, 'ok');
});

test('path traversal out of the web root is refused', async () => {
  const answer = await app.inject({ url: '/assets/..%2f..%2f..%2fetc%2fpasswd.txt' });
  assert.notEqual(answer.statusCode, 200);
  assert.doesNotMatch(answer.body, /root:/);
});

test('findWebRoot looks for dist/web upwards; undefined when the UI was not built', () => {
  assert.equal(findWebRoot(join(root, 'dist', 'chunks')), join(root, 'dist', 'web'));
  assert.equal(findWebRoot(join(root, 'src', 'server', 'http')), join(root, 'dist', 'web'));
  const empty = mkdtempSync(join(tmpdir(), 'gantry-noweb-'));
  assert.equal(findWebRoot(empty), undefined);
  rmSync(empty, { recursive: true });
});
