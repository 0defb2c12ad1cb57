import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { generateOpenApiDocument } from './openapi-document.js';

test('docs/openapi.json is what the server generates (run `npm run openapi` after changing a route)', async () => {
  const generated = await generateOpenApiDocument();
  const committed = readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8');
  const doc = JSON.parse(generated) as { paths: Record<string, Record<string, { 'x-permission'?: string; operationId: string }>> };
  // Every operation carries the permission it needs, and a unique id (client generators need one).
  const ids = new Set<string>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      assert.ok(op['x-permission'], `${method} ${path}`);
      assert.ok(!ids.has(op.operationId), `duplicate operationId ${op.operationId}`);
      ids.add(op.operationId);
    }
  }
  assert.ok(committed === generated, 'docs/openapi.json is out of date: run `npm run openapi` and commit the result');
});
