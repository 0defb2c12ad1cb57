#!/usr/bin/env node
// The `gantry` command. Runs the bundle in dist/ (made by `npm run build`, which `npm ci` runs)
// when it is newer than every source file; otherwise the TypeScript sources through tsx, so a
// developer's edits are never hidden by a stale bundle.
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  try {
    const built = statSync(`${root}dist/gantry.mjs`).mtimeMs;
    return built >= newestSource(`${root}src`);
  } catch {
    return false;
  }
}

let main;
if (bundleIsFresh()) {
  ({ main } = await import('../dist/gantry.mjs'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
const code = await main(process.argv);
// Exit explicitly: a finished command must not linger on a stray handle. stdout/stderr writes to
// pipes and files are synchronous on Linux, so nothing written is lost.
process.exit(code);
