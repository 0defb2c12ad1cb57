import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ImageBuilder, ImageBuildRequest, ImageBuildResult } from './image-builder.js';
import { makePlan } from './testing/fixtures.js';
import { buildStep, runBuildJob } from './testing/build-job.js';

// The engine side is tested against real Podman in docker/image-build.int.test.ts; these tests
// check what the step hands the builder, and how it reports what the builder answers.

const scratch = mkdtempSync(join(tmpdir(), 'gantry-build-step-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let count = 0;
function checkout(files: Record<string, string> = { Containerfile: 'FROM scratch\n' }): string {
  const dir = join(scratch, `src-${count++}`);
  mkdirSync(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** An ImageBuilder that records the request, prints `lines`, and answers `result`. */
function recording(result: ImageBuildResult | Error, lines: string[] = []): ImageBuilder & { requests: ImageBuildRequest[] } {
  const requests: ImageBuildRequest[] = [];
  return {
    requests,
    build: async (request) => {
      requests.push(request);
      for (const line of lines) request.onLine('stdout', line);
      if (result instanceof Error) throw result;
      return result;
    },
  };
}

const BUILT: ImageBuildResult = { outcome: 'built', imageId: `sha256:${'1'.repeat(64)}`, digest: `sha256:${'2'.repeat(64)}` };

describe('build step: templates, paths and tags', () => {
  it('evaluates tags, args, labels and credentials; the step env is visible; branch names become valid tags', async () => {
    const builder = recording(BUILT);
    const plan = makePlan();
    plan.context.git = { ...plan.context.git, branch: 'release/1.2', tag: 'v1.2.0' };
    const dir = checkout({ 'app/Containerfile': 'FROM scratch\n' });
    const r = await runBuildJob(
      buildStep(
        {
          context: 'app',
          push: true,
          tags: ['reg.example.com/team/app:${{ git.sha_short }}', 'reg.example.com/team/app:${{ git.branch }}', 'reg.example.com/team/app:${{ git.tag }}', 'reg.example.com/team/app:${{ git.sha_short }}'],
          build_args: { VERSION: '${{ git.tag }}', FROM_ENV: '${{ env.FLAVOUR }}', NUMBER: 3 },
          labels: { 'org.opencontainers.image.revision': 'mine', team: 'core' },
          target: '${{ env.FLAVOUR }}',
          credentials: { username: 'ci', password: '${{ secrets.REGISTRY_PW }}' },
        },
        { env: { FLAVOUR: 'slim' } },
      ),
      { sourceDir: dir, imageBuilder: builder, plan, secrets: { REGISTRY_PW: 'registry-password-1' } },
    );
    assert.equal(r.finished.status, 'success', r.log.join('\n'));
    const request = builder.requests[0]!;
    assert.equal(request.contextDir, join(dir, 'app'));
    assert.equal(request.file, join(dir, 'app', 'Containerfile'));
    assert.deepEqual(request.tags, ['reg.example.com/team/app:abc123d', 'reg.example.com/team/app:release-1.2', 'reg.example.com/team/app:v1.2.0']);
    assert.deepEqual(request.buildArgs, { VERSION: 'v1.2.0', FROM_ENV: 'slim', NUMBER: '3' });
    assert.deepEqual(request.labels, { 'org.opencontainers.image.revision': 'mine', 'gantry.job': 'build', 'gantry.repository': 'repo', team: 'core' });
    assert.equal(request.target, 'slim');
    assert.deepEqual(request.credentials, { username: 'ci', password: 'registry-password-1' });
    assert.equal(request.push, true);
    assert.ok(r.log.includes('tag "reg.example.com/team/app:release/1.2" is used as "reg.example.com/team/app:release-1.2" (a tag allows only letters, digits, _ . -)'));
    assert.deepEqual(r.outcome.outputs, { image_id: BUILT.imageId, digest: BUILT.digest, image: `reg.example.com/team/app@${BUILT.digest}` });
  });

  it('a bad template, a bad tag or a bad path fails the step without calling the builder, naming what is wrong', async () => {
    const builder = recording(BUILT);
    const dir = checkout();
    const template = await runBuildJob(buildStep({ tags: ['reg.example.com/app:${{ nope.x }}'] }), { sourceDir: dir, imageBuilder: builder });
    assert.equal(template.finished.status, 'failure');
    assert.match(template.finished.reason ?? '', /^steps\[0\]\.build\.tags\[0\]: /);
    const tag = await runBuildJob(buildStep({ tags: ['reg.example.com/App:1'] }), { sourceDir: dir, imageBuilder: builder });
    assert.match(tag.finished.reason ?? '', /repository part "App" must be lowercase/);
    const path = await runBuildJob(buildStep({ file: '/etc/passwd' }), { sourceDir: dir, imageBuilder: builder });
    assert.match(path.finished.reason ?? '', /^file "\/etc\/passwd" must be relative to the workspace/);
    assert.equal(builder.requests.length, 0);
  });

  it('masks the builder output, its failure reason and a password written out in the pipeline', async () => {
    const password = 'plain-text-password-99';
    const builder = recording({ outcome: 'failed', reason: `the push of x failed: login ${password} refused` }, [`echo ${password}`, 'secret-token-abc']);
    const r = await runBuildJob(buildStep({ push: true, tags: ['reg.example.com/app:1'], credentials: { username: 'ci', password } }), {
      sourceDir: checkout(),
      imageBuilder: builder,
      secrets: { TOKEN: 'secret-token-abc' },
    });
    assert.equal(r.finished.status, 'failure');
    assert.equal(r.finished.reason, 'the push of x failed: login *** refused');
    assert.deepEqual(r.log, ['echo ***', '***', 'the push of x failed: login *** refused']);
    assert.ok(!JSON.stringify(r.events).includes(password));
  });

  it('an engine that cannot be reached ends the step error (a fault of the system, not of the build)', async () => {
    const r = await runBuildJob(buildStep({}), { sourceDir: checkout(), imageBuilder: recording(new Error('connect ENOENT /run/podman/podman.sock')) });
    assert.equal(r.finished.status, 'error');
    assert.equal(r.finished.reason, 'the container engine failed: connect ENOENT /run/podman/podman.sock');
    assert.equal(r.outcome.status, 'error');
  });
});
