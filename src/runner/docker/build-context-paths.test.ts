import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveBuildPaths } from './build-context-paths.js';

const scratch = mkdtempSync(join(tmpdir(), 'gantry-build-paths-'));
const workspace = join(scratch, 'ws');
const outside = join(scratch, 'outside');
after(() => rmSync(scratch, { recursive: true, force: true }));

before(() => {
  for (const dir of ['app', 'docker-only', 'other', 'empty']) mkdirSync(join(workspace, dir), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'Dockerfile'), 'FROM scratch\n');
  writeFileSync(join(workspace, 'Containerfile'), 'FROM scratch\n');
  writeFileSync(join(workspace, 'Dockerfile'), 'FROM scratch\n');
  writeFileSync(join(workspace, 'app', 'Containerfile'), 'FROM scratch\n');
  writeFileSync(join(workspace, 'docker-only', 'Dockerfile'), 'FROM scratch\n');
  writeFileSync(join(workspace, 'other', 'Build.containerfile'), 'FROM scratch\n');
  symlinkSync(outside, join(workspace, 'escape'));
  symlinkSync(join(outside, 'Dockerfile'), join(workspace, 'app', 'Linked'));
});

async function refusal(context: string | undefined, file: string | undefined): Promise<string> {
  const error = await resolveBuildPaths(workspace, context, file).then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.ok(error instanceof Error, `context ${context} file ${file} is refused`);
  return error.message;
}

describe('build step paths', () => {
  it('defaults to the workspace as context and its Containerfile, else its Dockerfile', async () => {
    assert.deepEqual(await resolveBuildPaths(workspace, undefined, undefined), { contextDir: workspace, file: join(workspace, 'Containerfile') });
    assert.deepEqual(await resolveBuildPaths(workspace, 'app', undefined), { contextDir: join(workspace, 'app'), file: join(workspace, 'app', 'Containerfile') });
    assert.deepEqual(await resolveBuildPaths(workspace, 'docker-only', ''), { contextDir: join(workspace, 'docker-only'), file: join(workspace, 'docker-only', 'Dockerfile') });
  });

  it('takes file relative to the workspace, also outside the context (as docker build -f does)', async () => {
    const file = join(workspace, 'other', 'Build.containerfile');
    assert.deepEqual(await resolveBuildPaths(workspace, '.', 'other/Build.containerfile'), { contextDir: workspace, file });
    assert.deepEqual(await resolveBuildPaths(workspace, 'app', 'other/Build.containerfile'), { contextDir: join(workspace, 'app'), file });
  });

  it('refuses a context that escapes: "..", an absolute path, a symlink out of the workspace', async () => {
    assert.match(await refusal('../outside', undefined), /context "\.\.\/outside" leaves the workspace \(no "\.\." outside it\)/);
    assert.match(await refusal('app/../../outside', undefined), /leaves the workspace/);
    assert.match(await refusal(outside, undefined), /must be relative to the workspace/);
    assert.match(await refusal('escape', undefined), /context "escape" leaves the workspace through a symlink/);
  });

  it('refuses a file that escapes, is missing or is not a file', async () => {
    assert.match(await refusal('.', '../outside/Dockerfile'), /file "\.\.\/outside\/Dockerfile" leaves the workspace/);
    assert.match(await refusal('.', 'app/Linked'), /file "app\/Linked" leaves the workspace through a symlink/);
    assert.match(await refusal('empty', undefined), /file "empty\/Dockerfile" does not exist/);
    assert.match(await refusal('.', 'app'), /file "app" is not a file/);
    assert.match(await refusal('missing', undefined), /context "missing" does not exist/);
    assert.match(await refusal('Containerfile', undefined), /is not a directory/);
  });
});
