import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PIPELINE_SCHEMA_ID, pipelineJsonSchema, renderPipelineJsonSchema } from './json-schema.js';

test('the committed schema/gantry.schema.json matches the zod schema', () => {
  const committed = readFileSync(fileURLToPath(new URL('../../schema/gantry.schema.json', import.meta.url)), 'utf8');
  assert.equal(committed, renderPipelineJsonSchema(), 'schema/gantry.schema.json is out of date: run `npm run schema` and commit the result');
});

test('the JSON Schema is usable by editors: $schema, $id, strict objects, required keys', () => {
  const schema = pipelineJsonSchema() as {
    $schema: string;
    $id: string;
    required: string[];
    additionalProperties: unknown;
    properties: Record<string, { additionalProperties?: unknown; description?: string }>;
  };
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.equal(schema.$id, PIPELINE_SCHEMA_ID);
  assert.deepEqual([...schema.required].sort(), ['jobs', 'version']);
  assert.equal(schema.additionalProperties, false, 'unknown top-level keys must be flagged by editors too');
  assert.ok(schema.properties.jobs, 'jobs is described');
  assert.equal(schema.properties.version?.description, 'Pipeline file format version');
});
