import { z } from 'zod';
import { pipelineSchema } from './schema.js';

/** Where editors find the schema (also the `$id`); matches the committed schema/gantry.schema.json. */
export const PIPELINE_SCHEMA_ID = 'https://gantry.dev/schema/gantry.schema.json';

/**
 * The JSON Schema of `.gantry.yml`, generated from the zod schema (the language definition), for
 * editors: e.g. `# yaml-language-server: $schema=<path or URL>` at the top of the file.
 * Pure and deterministic; `npm run schema` writes it to schema/gantry.schema.json.
 */
export function pipelineJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(pipelineSchema, { target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema: _ignored, ...rest } = generated;
  return { $schema: 'http://json-schema.org/draft-07/schema#', $id: PIPELINE_SCHEMA_ID, ...rest };
}

/** The schema as committed: pretty-printed with a final newline, so diffs stay readable. */
export function renderPipelineJsonSchema(): string {
  return `${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`;
}
