import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import type { PlanStep } from '../../pipeline/index.js';
import { BASE_IMAGE, startPodman, type PodmanWorld } from '../../../test/helpers/podman.js';
import { buildStep, runBuildJob, type BuildJobOptions, type BuildJobRun } from '../testing/build-job.js';
import { createImageBuilder } from './image-build.js';

const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

const scratch = mkdtempSync(join(tmpdir(), 'gantry-image-build-'));
/**
 * Every test Containerfile labels its stages right after FROM, so every image the builds make —
 * tagged or intermediate — carries it and can be removed from the machine's shared storage.
 */
const TEST_LABEL = `gantry.test.image-build=${process.pid}-${Date.now()}`;
const from = (stage?: string): string => `FROM ${BASE_IMAGE}${stage !== undefined ? ` AS ${stage}` : ''}\nLABEL ${TEST_LABEL}\n`;
let world: PodmanWorld;
let docker: Docker;
let registry: string;

before(async () => {
  world = await startPodman({ registry: true });
  docker = new Docker({ socketPath: world.socketPath });
  registry = world.registry!;
});

after(async () => {
  const ids = await world.podman(['images', '--all', '--filter', `label=${TEST_LABEL}`, '--format', '{{.ID}}']);
  const unique = [...new Set(ids.split('\n').filter((id) => id !== ''))];
  if (unique.length > 0) await world.podman(['rmi', '--force', ...unique]);
  await world?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** Ids of the engine's build (working) containers, which only `--external` lists. */
async function buildContainers(): Promise<Set<string>> {
  for (let attempt = 1; ; attempt++) {
    try {
      const out = await world.podman(['ps', '--all', '--external', '--format', '{{.ID}}']);
      return new Set(out.split('\n').filter((id) => id !== ''));
    } catch (err) {
      // Podman lists build containers in two passes: one removed in between (this or another
      // test's build ending) fails the listing with "container not known". Ask again.
      if (attempt >= 5 || !/container not known/.test(String((err as { stderr?: unknown }).stderr))) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

let count = 0;
/** A checkout with these files (the job's workspace). */
function checkout(files: Record<string, string>): string {
  const dir = join(scratch, `src-${count++}`);
  mkdirSync(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** Runs one build job through the real job runner, building on this file's Podman. */
function runBuild(step: Partial<PlanStep>, sourceDir: string, options: Partial<BuildJobOptions> = {}): Promise<BuildJobRun> {
  return runBuildJob(step, { sourceDir, jobId: `build-${count}`, imageBuilder: createImageBuilder(docker), ...options });
}

const MULTI_STAGE = `${from('builder')}ARG GREETING=hi
RUN echo "$GREETING from the builder stage" > /built.txt
${from('final')}COPY --from=builder /built.txt /built.txt
COPY . /ctx
CMD ["cat", "/built.txt"]
`;

describe('build step on Podman with a real registry', () => {
  it('builds a multi-stage image honouring .dockerignore, pushes it, and the registry serves exactly the digest the step outputs', async () => {
    const dir = checkout({
      Containerfile: MULTI_STAGE,
      '.dockerignore': 'secret.txt\n*.log\n!keep.log\n',
      'app.txt': 'app',
      'secret.txt': 'never in the image',
      'debug.log': 'noise',
      'keep.log': 'kept',
    });
    const repo = `${registry}/team/app`;
    const r = await runBuild(buildStep({ push: true, tags: [`${repo}:\${{ git.sha_short }}`, `${repo}:\${{ git.branch }}`], build_args: { GREETING: 'hello' } }), dir);
    assert.equal(r.finished.status, 'success', r.log.join('\n'));
    const digest = r.outcome.outputs.digest ?? '';
    assert.match(digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(r.outcome.outputs.image, `${repo}@${digest}`);
    assert.match(r.outcome.outputs.image_id ?? '', /^sha256:[0-9a-f]{64}$/);
    for (const reference of [digest, 'abc123d', 'main']) {
      const res = await fetch(`http://${registry}/v2/team/app/manifests/${reference}`, { headers: { accept: MANIFEST_TYPES } });
      assert.equal(res.status, 200, `manifest ${reference}`);
      assert.equal(res.headers.get('docker-content-digest'), digest, `${reference} is the pushed manifest`);
      const manifest = (await res.json()) as { config: { digest: string } };
      assert.equal(manifest.config.digest, r.outcome.outputs.image_id, 'the manifest is of the image the step built');
    }
    const inside = await world.podman(['run', '--rm', `${repo}@${digest}`, 'sh', '-c', 'cat /built.txt; ls -A /ctx']);
    assert.deepEqual(inside.trim().split('\n'), ['hello from the builder stage', '.dockerignore', 'Containerfile', 'app.txt', 'keep.log'], 'the builder stage file with the build arg; ignored files absent');
    assert.ok(r.log.some((line) => line.includes('STEP') && line.includes('COPY --from=builder')), 'the build progress is in the step log');
    const labels = (await docker.getImage(`${repo}:main`).inspect()).Config.Labels ?? {};
    assert.equal(labels['gantry.job'], `build-${count}`);
    assert.equal(labels['org.opencontainers.image.revision'], 'abc123def');
  });

  it('a target stage builds only up to that stage, from a Containerfile outside the context; without push the image output is the tag', async () => {
    const dir = checkout({ 'build/Containerfile': MULTI_STAGE, 'app/app.txt': 'app' });
    const r = await runBuild(buildStep({ context: 'app', file: 'build/Containerfile', tags: [`${registry}/team/target:builder`], target: 'builder', build_args: { GREETING: 'targeted' } }), dir);
    assert.equal(r.finished.status, 'success', r.log.join('\n'));
    assert.equal(r.outcome.outputs.image, `${registry}/team/target:builder`);
    assert.equal(r.outcome.outputs.digest, undefined);
    const probe = await world.podman(['run', '--rm', r.outcome.outputs.image_id!, 'sh', '-c', 'cat /built.txt; test -d /ctx && echo has-ctx || echo no-ctx']);
    assert.deepEqual(probe.trim().split('\n'), ['targeted from the builder stage', 'no-ctx']);
  });

  it('a failing RUN fails the step with the builder message; the command output is in the log', async () => {
    const dir = checkout({ Dockerfile: `${from()}RUN echo "about to fail" && exit 3\n` });
    const r = await runBuild(buildStep({ tags: [`${registry}/team/broken:1`], push: true }), dir);
    assert.equal(r.finished.status, 'failure');
    assert.match(r.finished.reason ?? '', /^the image build failed: building at STEP "RUN echo "about to fail" && exit 3": .*exit status 3/);
    assert.ok(r.log.includes('about to fail'), r.log.join('\n'));
    assert.equal(r.outcome.status, 'failure');
    const res = await fetch(`http://${registry}/v2/team/broken/tags/list`);
    assert.equal(res.status, 404, 'nothing was pushed');
  });

  it('refuses a context that escapes the workspace ("..", a symlink) before the engine sees anything', async () => {
    const outside = checkout({ Containerfile: `${from()}`, 'host.txt': 'host file' });
    const dir = checkout({ Containerfile: `${from()}` });
    symlinkSync(outside, join(dir, 'link'));
    const dotdot = await runBuild(buildStep({ context: `../${outside.split('/').pop()}` }), dir);
    assert.equal(dotdot.finished.status, 'failure');
    assert.match(dotdot.finished.reason ?? '', /^context "\.\.\/src-\d+" leaves the workspace/);
    const link = await runBuild(buildStep({ context: 'link' }), dir);
    assert.match(link.finished.reason ?? '', /^context "link" leaves the workspace through a symlink/);
    assert.ok(!link.log.some((line) => line.includes('sending the build context')), 'nothing was sent');
  });

  it('never shows the registry password or a secret build arg in the log, also when the build prints them', async () => {
    const password = 'literal-registry-pw-1234';
    const dir = checkout({ Containerfile: `${from()}ARG TOKEN\nARG PW\nRUN echo "token=$TOKEN pw=$PW"\n` });
    const r = await runBuild(
      buildStep({
        push: true,
        tags: [`${registry}/team/secret:1`],
        build_args: { TOKEN: '${{ secrets.API_TOKEN }}', PW: password },
        credentials: { username: 'ci', password },
      }),
      dir,
      { secrets: { API_TOKEN: 'api-token-secret-5678' } },
    );
    assert.equal(r.finished.status, 'success', r.log.join('\n'));
    assert.ok(r.log.includes('token=*** pw=***'), r.log.join('\n'));
    const everything = JSON.stringify(r.events);
    assert.ok(!everything.includes(password) && !everything.includes('api-token-secret-5678'), 'no event carries either value');
    assert.match(r.outcome.outputs.digest ?? '', /^sha256:/, 'pushed with the credentials');
  });

  it('a push the registry cannot take fails the step with the engine message', async () => {
    const dir = checkout({ Containerfile: `${from()}RUN true\n` });
    const r = await runBuild(buildStep({ push: true, tags: ['127.0.0.1:1/team/nowhere:1'] }), dir);
    assert.equal(r.finished.status, 'failure');
    assert.match(r.finished.reason ?? '', /^the push of 127\.0\.0\.1:1\/team\/nowhere:1 failed: .+/);
  });

  it('a step timeout and a cancel abort the build; the engine then drops the build without leftovers', async () => {
    const dir = checkout({ Containerfile: `${from()}RUN sleep 6\n` });
    const before = await buildContainers();
    const t0 = Date.now();
    const timed = await runBuild(buildStep({ tags: [`${registry}/team/slow:1`] }, { timeoutMs: 800 }), dir);
    assert.equal(timed.finished.status, 'failure');
    assert.equal(timed.finished.reason, 'timed out after 800ms');
    assert.equal(timed.outcome.failureKind, 'timeout');
    assert.ok(Date.now() - t0 < 5000, 'the step ended before the RUN (6 s) did');

    const controller = new AbortController();
    const canceled = await runBuild(buildStep({ tags: [`${registry}/team/slow:2`] }), dir, {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'log' && event.line.includes('RUN sleep 6')) controller.abort();
      },
    });
    assert.equal(canceled.finished.status, 'canceled');
    assert.equal(canceled.outcome.status, 'canceled');
    // Podman 4 lets the RUN in progress finish, then stops the build: nothing tagged, no working container.
    const deadline = Date.now() + 30_000;
    let left = await buildContainers();
    while ([...left].some((id) => !before.has(id)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      left = await buildContainers();
    }
    assert.deepEqual([...left].filter((id) => !before.has(id)), [], 'the aborted builds left no working container');
    const tagged = await world.podman(['images', '--filter', `reference=${registry}/team/slow`, '--format', '{{.Tag}}']);
    assert.equal(tagged.trim(), '', 'the aborted builds tagged nothing');
  });

  it('without a container engine the step ends error with how to configure one; push needs a tag', async () => {
    const dir = checkout({ Containerfile: `${from()}` });
    const none = await runBuild(buildStep({}), dir, { imageBuilder: undefined });
    assert.equal(none.finished.status, 'error');
    assert.match(none.finished.reason ?? '', /^build steps need a container engine: .*DOCKER_HOST/);
    assert.equal(none.outcome.status, 'error');
    const untagged = await runBuild(buildStep({ push: true }), dir);
    assert.equal(untagged.finished.status, 'failure');
    assert.match(untagged.finished.reason ?? '', /^push: true needs at least one tag/);
  });
});
