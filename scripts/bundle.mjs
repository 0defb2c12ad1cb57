// Bundles the CLI with its npm dependencies into OUTDIR/gantry.mjs (+ chunks). One file starts much
// faster than hundreds of modules (measured: ~75 ms to import against ~170 ms for the same code and
// packages loaded module by module, and the TypeScript sources through tsx cost more still).
// Used by scripts/build.mjs (dist/) and by bench/server (a private copy).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Builds into `outdir` (emptied first) and returns the entry file. */
export async function bundleCli(outdir, { sourcemap = false } = {}) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: { gantry: `${root}src/cli/main.ts` },
    outdir,
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
    // dockerode pulls in ssh2 and its optional native addons, which a bundle cannot carry.
    external: ['better-sqlite3', 'pino', 'pino-pretty', 'thread-stream', 'fastify', '@fastify/*', 'kysely', 'dockerode'],
    // CommonJS packages inside an ESM bundle still call require().
    banner: { js: "import { createRequire as __gantryRequire } from 'node:module'; const require = __gantryRequire(import.meta.url);" },
    sourcemap: sourcemap ? 'linked' : false,
    logLevel: 'warning',
  });
  // The spawner runs as its own lean process; the code that forks it looks next to itself, and
  // with code splitting that code may land in the entry or in a chunk.
  for (const dir of [outdir, `${outdir}/chunks`]) {
    mkdirSync(dir, { recursive: true });
    copyFileSync(`${root}src/runner/local/spawner/spawner-child.mjs`, `${dir}/spawner-child.mjs`);
  }
  return `${outdir}/gantry.mjs`;
}
