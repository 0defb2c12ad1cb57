// Budget: the JavaScript the first page loads (the entry chunk and what index.html preloads) stays
// under 150 KB gzipped. Pages past the login are separate chunks loaded on demand.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ensureWebBuilt, WEB_DIST } from './helpers/browser.js';

const BUDGET = 150 * 1024;

test('the first page loads under 150 KB of gzipped JavaScript', () => {
  ensureWebBuilt();
  const html = readFileSync(join(WEB_DIST, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\/([^"]+\.js)"/g)].map((m) => m[1]!);
  assert.ok(scripts.length > 0, `no script in index.html:\n${html}`);
  const gzipped = scripts.reduce((sum, file) => sum + gzipSync(readFileSync(join(WEB_DIST, file)), { level: 9 }).length, 0);
  console.log(`first page JavaScript: ${scripts.join(', ')} = ${(gzipped / 1024).toFixed(1)} KB gzipped`);
  assert.ok(gzipped < BUDGET, `${gzipped} bytes gzipped is over the ${BUDGET} budget`);
  // The graph layout (dagre) is not part of it: it comes with the run page.
  for (const file of scripts) assert.doesNotMatch(readFileSync(join(WEB_DIST, file), 'utf8'), /rankdir/);
});
