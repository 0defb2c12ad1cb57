import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const committed = join(root, 'src/agent-protocol/generated');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

test('the committed generated protocol code is what `npm run proto` makes from proto/ (regenerate when this fails)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gantry-proto-'));
  try {
    const result = spawnSync(process.execPath, [join(root, 'scripts/gen-proto.mjs'), tmp], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const fresh = join(tmp, 'src/agent-protocol/generated');
    assert.deepEqual(files(committed), files(fresh));
    for (const file of files(fresh)) {
      assert.equal(readFileSync(join(committed, file), 'utf8'), readFileSync(join(fresh, file), 'utf8'), `${file} is out of date: run npm run proto`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
