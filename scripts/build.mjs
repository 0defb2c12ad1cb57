#!/usr/bin/env node
// Bundles the CLI with its npm dependencies into dist/gantry.mjs. One file starts much faster than
// hundreds of modules (measured: ~75 ms to import against ~170 ms for the same code and packages
// loaded module by module, and the TypeScript sources through tsx cost more still). bin/gantry.js
// uses the bundle when it is newer than every source file, and the sources through tsx otherwise.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}dist`, { recursive: true, force: true });
mkdirSync(`${root}dist`, { recursive: true });
await build({
  entryPoints: { gantry: `${root}src/cli/main.ts` },
  outdir: `${root}dist`,
  outExtension: { '.js': '.mjs' },
  // Commands are imported lazily; splitting keeps each in its own chunk, so `gantry exec` never
  // loads the server's packages.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Native addons and packages that start workers from their own files cannot be bundled.
  external: ['better-sqlite3', 'pino', 'pino-pretty', 'thread-stream', 'fastify', '@fastify/*', 'kysely'],
  // CommonJS packages inside an ESM bundle still call require().
  banner: { js: "import { createRequire as __gantryRequire } from 'node:module'; const require = __gantryRequire(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
});
// The spawner runs as its own lean process; the code that forks it looks next to itself, and
// with code splitting that code may land in the entry or in a chunk.
for (const dir of ['dist', 'dist/chunks']) {
  mkdirSync(`${root}${dir}`, { recursive: true });
  copyFileSync(`${root}src/runner/local/spawner/spawner-child.mjs`, `${root}${dir}/spawner-child.mjs`);
}
