import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { serverSettings, settingsMarkdownTable } from './index.js';

// docs/server.md carries the settings table by hand; it must list exactly what the schema defines.
test('docs/server.md lists every server setting as the schema defines it', () => {
  const docs = readFileSync(new URL('../../docs/server.md', import.meta.url), 'utf8');
  const table = settingsMarkdownTable(serverSettings);
  assert.ok(docs.includes(table), `docs/server.md must contain this table (generated from src/config/server-config.ts):\n\n${table}\n`);
  for (const setting of serverSettings.settings) assert.ok(docs.includes(`\`${setting.env}\``), setting.env);
});
