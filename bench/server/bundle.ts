import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Under the repo (so the bundle's external packages resolve from node_modules), ignored by git. */
export const BUNDLE_DIR = `${ROOT}.tmp/bench-server`;

/**
 * Builds the CLI bundle users run (the options of scripts/build.mjs — keep them in step) into a
 * private directory: bin/gantry.js falls back to the sources through tsx whenever any file in src/
 * is newer than dist/, which happens all the time while people work, and rebuilding the shared
 * dist/ under someone else's running tests would break them. Returns the entry file.
 */
export async function buildPrivateBundle(): Promise<string> {
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
  mkdirSync(`${BUNDLE_DIR}/chunks`, { recursive: true });
  await build({
    entryPoints: { gantry: `${ROOT}src/cli/main.ts` },
    outdir: BUNDLE_DIR,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3', 'pino', 'pino-pretty', 'thread-stream', 'fastify', '@fastify/*', 'kysely'],
    banner: { js: "import { createRequire as __gantryRequire } from 'node:module'; const require = __gantryRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  for (const dir of [BUNDLE_DIR, `${BUNDLE_DIR}/chunks`]) copyFileSync(`${ROOT}src/runner/local/spawner/spawner-child.mjs`, `${dir}/spawner-child.mjs`);
  return `${BUNDLE_DIR}/gantry.mjs`;
}

export function removePrivateBundle(): void {
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
}
