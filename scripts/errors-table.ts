// Prints the error-code table for docs/errors.md from the registry (paste it in when codes change;
// src/core/error-codes.test.ts fails until the docs match).
import { ERROR_CODES } from '../src/core/index.js';

console.log('| code | HTTP status | retryable | meaning |\n|---|---|---|---|');
for (const [code, info] of Object.entries(ERROR_CODES)) {
  console.log(`| \`${code}\` | ${info.status} | ${info.retryable ? 'yes' : 'no'} | ${info.description} |`);
}
