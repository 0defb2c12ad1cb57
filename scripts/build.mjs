#!/usr/bin/env node
// Bundles the CLI into dist/gantry.mjs (one file: starting it takes a fraction of running the
// TypeScript sources through tsx). npm packages stay external. bin/gantry.js uses the bundle when
// it is newer than every source file, and the sources through tsx otherwise.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
mkdirSync(`${root}dist`, { recursive: true });
await build({
  entryPoints: [`${root}src/cli/main.ts`],
  outfile: `${root}dist/gantry.mjs`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
// The spawner runs as its own lean process; the bundle finds it next to itself.
copyFileSync(`${root}src/runner/local/spawner/spawner-child.mjs`, `${root}dist/spawner-child.mjs`);
