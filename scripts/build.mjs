#!/usr/bin/env node
// `npm run build` (also run by `npm ci` through `prepare`): the CLI bundle in dist/ and the web UI in dist/web/. bin/gantry.js
// uses it when it is newer than every source file, and the sources through tsx otherwise.
import { fileURLToPath } from 'node:url';
import { bundleCli } from './bundle.mjs';

await bundleCli(fileURLToPath(new URL('../dist', import.meta.url)), { sourcemap: true });
// The web UI into dist/web/ (served at / by the server), after the bundle, which empties dist/ first.
const { build } = await import('vite');
await build({ configFile: fileURLToPath(new URL('../web/vite.config.ts', import.meta.url)) });
