/**
 * Writes schema/gantry.schema.json from the zod schema (src/pipeline/schema.ts).
 * Run with `npm run schema` after changing the pipeline language; a test fails while the committed
 * file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderPipelineJsonSchema } from '../src/pipeline/json-schema.js';

const target = fileURLToPath(new URL('../schema/gantry.schema.json', import.meta.url));
writeFileSync(target, renderPipelineJsonSchema());
console.log(`wrote ${target}`);
