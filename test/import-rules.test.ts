// The import rules of DESIGN.md §3 are enforced by dependency-cruiser in `npm run lint`. This test
// proves the rules bite: a fixture tree breaks each rule once and every break must be reported.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/boundaries/', import.meta.url));

test('dependency-cruiser reports cycles and every boundary broken in the fixture', () => {
  const result = spawnSync(
    process.execPath,
    [`${root}node_modules/dependency-cruiser/bin/dependency-cruise.mjs`, 'src', '--config', `${root}.dependency-cruiser.cjs`, '--output-type', 'err'],
    { cwd: fixture, encoding: 'utf8' },
  );
  assert.notEqual(result.status, 0, 'depcruise must fail on the fixture');
  const out = result.stdout + result.stderr;
  const expected = [
    'no-circular: src/engine/index.ts',
    'engine-boundaries: src/engine/index.ts → src/runner/index.ts',
    'runner-boundaries: src/runner/index.ts → src/engine/index.ts',
    'pipeline-is-pure: src/pipeline/index.ts → src/runner/index.ts',
    'pipeline-is-pure: src/pipeline/index.ts → fs',
    'server-not-runner: src/server/index.ts → src/runner/index.ts',
    'no-deep-imports: src/server/index.ts → src/core/helper.ts',
    'cli-boundaries: src/cli/index.ts → src/server/index.ts',
  ];
  for (const line of expected) assert.ok(out.includes(line), `expected "${line}" in:\n${out}`);
});
