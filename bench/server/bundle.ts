import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleCli } from '../../scripts/bundle.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Under the repo (so the bundle's external packages resolve from node_modules), ignored by git. */
export const BUNDLE_DIR = `${ROOT}.tmp/bench-server`;

/**
 * Builds the CLI bundle users run (scripts/bundle.mjs, as `npm run build` does) into a private
 * directory: bin/gantry.js falls back to the sources through tsx whenever any file in src/
 * is newer than dist/, which happens all the time while people work, and rebuilding the shared
 * dist/ under someone else's running tests would break them. Returns the entry file.
 */
export async function buildPrivateBundle(): Promise<string> {
  return bundleCli(BUNDLE_DIR);
}

export function removePrivateBundle(): void {
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
}
