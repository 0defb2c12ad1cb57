#!/usr/bin/env node
// `npm run build` (also run by `npm ci` through `prepare`): the CLI bundle in dist/. bin/gantry.js
// uses it when it is newer than every source file, and the sources through tsx otherwise.
import { fileURLToPath } from 'node:url';
import { bundleCli } from './bundle.mjs';

await bundleCli(fileURLToPath(new URL('../dist', import.meta.url)), { sourcemap: true });
