/**
 * Writes docs/openapi.json: the OpenAPI 3.1 document a default `gantry server` serves at
 * /api/v1/openapi.json. Run with `npm run openapi` after changing any route; a test fails while the
 * committed file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateOpenApiDocument } from '../src/server/openapi-document.js';

const target = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));
writeFileSync(target, await generateOpenApiDocument());
console.log(`wrote ${target}`);
