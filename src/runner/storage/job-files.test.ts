import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { Header } from 'tar';
import type { RunEventInput } from '../../core/index.js';
import type { JobResultSummary, PlanJob } from '../../pipeline/index.js';
import { createJobRunner } from '../job-runner.js';
import type { JobRunOutcome } from '../job-types.js';
import { LocalBackend } from '../local/local-backend.js';
import { makeJob, makePlan, step } from '../testing/fixtures.js';
import { hashFiles } from '../hash-files.js';
import type { JobStorage } from './job-storage.js';
import { createLocalJobStorage } from './local-storage.js';

const base = mkdtempSync(join(tmpdir(), 'gantry-jobfiles-'));
// One backend for the file: its spawner processes take a moment to start.
const backend = new LocalBackend({ tempRoot: base });
after(async () => {
  await backend.close();
  rmSync(base, { recursive: true, force: true });
});
let dirs = 0;
const freshDir = (name = 'd'): string => {
  const dir = join(base, `${name}${++dirs}`);
  mkdirSync(dir, { recursive: true });
  return dir;
};

/** A fresh checkout with a lock file, as each CI run starts from a clean clone. */
function checkout(lock: string): string {
  const dir = freshDir('src');
  writeFileSync(join(dir, 'package-lock.json'), lock);
  return dir;
}

interface Ran {
  outcome: JobRunOutcome;
  system: string[];
  stdout: string[];
}

/** One job through the real job runner and local backend, with `storage` as `gantry exec` wires it. */
async function run(
  job: PlanJob,
  options: { storage?: (jobId: string) => JobStorage; sourceDir?: string; secrets?: Record<string, string>; needs?: Record<string, JobResultSummary>; signal?: AbortSignal },
): Promise<Ran> {
  const events: RunEventInput[] = [];
  const runner = createJobRunner({
    plan: makePlan(),
    backend,
    secrets: options.secrets ?? {},
    hostEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    killGraceMs: 200,
    ...(options.sourceDir !== undefined ? { sourceDir: options.sourceDir } : {}),
    ...(options.storage !== undefined ? { storage: options.storage } : {}),
  });
  const outcome = await runner.runJob(job, { attempt: 1, needs: options.needs ?? {}, report: (e) => events.push(e) }, options.signal ?? new AbortController().signal);
  const lines = (stream: string) => events.flatMap((e) => (e.type === 'log' && e.stream === stream ? [e.line] : []));
  return { outcome, system: lines('system'), stdout: lines('stdout') };
}

const npmCache = { key: "npm-${{ hashFiles('package-lock.json') }}", fallbackKeys: ['npm-'], paths: ['.npm'] };
const cacheJob = (script: string, extra: Partial<PlanJob> = {}) => makeJob([step(script)], { id: 'test', checkout: true, cache: [npmCache], ...extra });
const entries = (cacheDir: string) => (existsSync(join(cacheDir, 'entries')) ? readdirSync(join(cacheDir, 'entries')).length : 0);

describe('cache: through the job runner with local storage', () => {
  it('saves on the first run (key from hashFiles) and restores on the second, without saving again', async () => {
    const dirs = { cacheDir: freshDir('cache'), artifactsDir: freshDir('art') };
    const lock = '{"lockfileVersion": 3}';
    const key = `npm-${hashFiles(checkout(lock), ['package-lock.json'])}`;
    const first = await run(cacheJob('mkdir -p .npm && echo downloaded > .npm/pkg'), { storage: createLocalJobStorage(dirs), sourceDir: checkout(lock) });
    assert.equal(first.outcome.status, 'success', first.system.join('\n'));
    assert.ok(first.system.includes(`cache ${key}: miss`), first.system.join('\n'));
    assert.ok(first.system.some((l) => l.startsWith(`cache ${key}: saved (`)), first.system.join('\n'));
    assert.equal(entries(dirs.cacheDir), 1);

    const second = await run(cacheJob('cat .npm/pkg'), { storage: createLocalJobStorage(dirs), sourceDir: checkout(lock) });
    assert.equal(second.outcome.status, 'success', second.system.join('\n'));
    assert.ok(second.system.some((l) => l.startsWith(`cache ${key}: restored from ${key}`)), second.system.join('\n'));
    assert.deepEqual(second.stdout, ['downloaded']);
    assert.ok(!second.system.some((l) => l.includes('saved')), 'an exact hit is not saved again');
    assert.equal(entries(dirs.cacheDir), 1);
  });

  it('restores the newest entry matching a fallback prefix when the key changed, then saves the new key', async () => {
    const dirs = { cacheDir: freshDir('cache'), artifactsDir: freshDir('art') };
    const oldKey = `npm-${hashFiles(checkout('v1'), ['package-lock.json'])}`;
    await run(cacheJob('mkdir -p .npm && echo old > .npm/pkg'), { storage: createLocalJobStorage(dirs), sourceDir: checkout('v1') });
    const newKey = `npm-${hashFiles(checkout('v2'), ['package-lock.json'])}`;
    const second = await run(cacheJob('cat .npm/pkg && echo new > .npm/pkg'), { storage: createLocalJobStorage(dirs), sourceDir: checkout('v2') });
    assert.ok(second.system.includes(`cache ${newKey}: restored from ${oldKey} (${second.system.find((l) => l.includes('restored'))!.match(/\((\d+) bytes\)/)![1]} bytes)`), second.system.join('\n'));
    assert.deepEqual(second.stdout, ['old']);
    assert.ok(second.system.some((l) => l.startsWith(`cache ${newKey}: saved`)), second.system.join('\n'));
    assert.equal(entries(dirs.cacheDir), 2);
  });

  it("never overwrites a cache path the workspace already has (gantry exec runs in the developer's checkout): neither restored nor saved", async () => {
    const dirs = { cacheDir: freshDir('cache'), artifactsDir: freshDir('art') };
    await run(cacheJob('mkdir -p .npm && echo cached > .npm/pkg'), { storage: createLocalJobStorage(dirs), sourceDir: checkout('v1') });
    const mine = checkout('v1');
    mkdirSync(join(mine, '.npm'));
    writeFileSync(join(mine, '.npm', 'pkg'), 'mine');
    const second = await run(cacheJob('cat .npm/pkg'), { storage: createLocalJobStorage(dirs), sourceDir: mine });
    assert.equal(second.outcome.status, 'success', second.system.join('\n'));
    assert.deepEqual(second.stdout, ['mine'], "the developer's file is untouched");
    assert.ok(second.system.some((l) => l.endsWith(': not restored: .npm is already in the workspace (a cache never overwrites files)')), second.system.join('\n'));
    assert.ok(!second.system.some((l) => l.includes('saved')), 'nothing saved either');
    assert.equal(entries(dirs.cacheDir), 1);
  });

  it('does not save when the job failed', async () => {
    const dirs = { cacheDir: freshDir('cache'), artifactsDir: freshDir('art') };
    const failed = await run(cacheJob('mkdir -p .npm && echo half > .npm/pkg && exit 3'), { storage: createLocalJobStorage(dirs), sourceDir: checkout('x') });
    assert.equal(failed.outcome.status, 'failure');
    assert.ok(failed.system.some((l) => /^cache npm-\w+: not saved, the job did not succeed$/.test(l)), failed.system.join('\n'));
    assert.equal(entries(dirs.cacheDir), 0);
  });

  it('runs without the cache when restoring fails (a warning, not a failure)', async () => {
    const broken: JobStorage = {
      ...createLocalJobStorage({ cacheDir: freshDir('cache'), artifactsDir: freshDir('art') })('test'),
      restoreCache: () => Promise.reject(new Error('store unreachable')),
    };
    const ran = await run(cacheJob('true'), { storage: () => broken, sourceDir: checkout('x') });
    assert.equal(ran.outcome.status, 'success');
    assert.ok(ran.system.some((l) => /^warning: cache npm-\w+: not restored, the job runs without it: store unreachable$/.test(l)), ran.system.join('\n'));
  });

  it('refuses a stored entry with a ../ path as a warning, writing nothing outside the workspace', async () => {
    const header = new Header({ path: '../planted', type: 'File', size: 1, mode: 0o644, mtime: new Date(0) });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    const evil = gzipSync(Buffer.concat([block, Buffer.from('x'), Buffer.alloc(511), Buffer.alloc(1024)]));
    const storage: JobStorage = {
      ...createLocalJobStorage({ cacheDir: freshDir('cache'), artifactsDir: freshDir('art') })('test'),
      restoreCache: (key) => Promise.resolve({ key, archive: Readable.from([evil]) }),
    };
    const sourceDir = checkout('x');
    const ran = await run(cacheJob('true'), { storage: () => storage, sourceDir });
    assert.equal(ran.outcome.status, 'success');
    assert.ok(ran.system.some((l) => l.includes('archive refused, nothing unpacked: entry "../planted" has a ".." component')), ran.system.join('\n'));
    assert.ok(!existsSync(join(sourceDir, '..', 'planted')));
  });

  it('cancel aborts a cache download in flight: the job ends canceled at once, without a warning', async () => {
    const hanging: JobStorage = {
      ...createLocalJobStorage({ cacheDir: freshDir('cache'), artifactsDir: freshDir('art') })('test'),
      restoreCache: (_key, _prefixes, signal) =>
        new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true })),
    };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const ran = await run(cacheJob('echo should not run'), { storage: () => hanging, sourceDir: checkout('x'), signal: controller.signal });
    assert.equal(ran.outcome.status, 'canceled');
    assert.ok(Date.now() - started < 5_000);
    assert.deepEqual(ran.stdout, []);
    assert.ok(!ran.system.some((l) => l.startsWith('warning')), ran.system.join('\n'));
  });

  it('skips a key that contains a secret, masked in the warning', async () => {
    const job = cacheJob('true', { cache: [{ key: 'npm-${{ secrets.TOKEN }}', fallbackKeys: [], paths: ['.npm'] }] });
    const ran = await run(job, { storage: createLocalJobStorage({ cacheDir: freshDir('cache'), artifactsDir: freshDir('art') }), sourceDir: checkout('x'), secrets: { TOKEN: 'hunter2-very-secret' } });
    assert.equal(ran.outcome.status, 'success');
    assert.ok(ran.system.includes('warning: cache[0]: key contains a secret; this cache is skipped'), ran.system.join('\n'));
    assert.ok(!ran.system.join('\n').includes('hunter2'));
  });

  it('says once that cache and artifacts are skipped when no storage is configured', async () => {
    const ran = await run(cacheJob('true', { artifacts: { name: 'x', paths: ['.npm'] } }), { sourceDir: checkout('x') });
    assert.equal(ran.outcome.status, 'success');
    assert.deepEqual(ran.system, ['cache and artifacts skipped: this runner has no storage configured']);
  });
});

describe('artifacts: through the job runner with local storage', () => {
  const needs = { build: { result: 'success' as const, outputs: {} } };

  it('unpacks the artifact of job A into the workspace of job B that needs it', async () => {
    const storage = createLocalJobStorage({ cacheDir: freshDir('cache'), artifactsDir: freshDir('art') });
    const build = makeJob([step('mkdir -p dist && echo "console.log(1)" > dist/app.js')], { id: 'build', key: 'build', artifacts: { name: 'dist', paths: ['dist/'] } });
    const a = await run(build, { storage });
    assert.equal(a.outcome.status, 'success', a.system.join('\n'));
    assert.ok(a.system.some((l) => /^artifact dist: uploaded \(\d+ bytes\)$/.test(l)), a.system.join('\n'));

    const deploy = makeJob([step('cat dist/app.js')], { id: 'deploy', key: 'deploy', needs: ['build'] });
    const b = await run(deploy, { storage, needs });
    assert.equal(b.outcome.status, 'success', b.system.join('\n'));
    assert.ok(b.system.some((l) => /^artifact dist from build: \d+ bytes$/.test(l)), b.system.join('\n'));
    assert.deepEqual(b.stdout, ['console.log(1)']);
  });

  it('warns about an artifact path that matches nothing and still succeeds', async () => {
    const storage = createLocalJobStorage({ cacheDir: freshDir('cache'), artifactsDir: freshDir('art') });
    const job = makeJob([step('echo r > report.txt')], { id: 'build', artifacts: { name: 'reports', paths: ['report.txt', 'coverage/**'] } });
    const ran = await run(job, { storage });
    assert.equal(ran.outcome.status, 'success');
    assert.ok(ran.system.includes('warning: artifact reports: path coverage/** matches nothing'), ran.system.join('\n'));
    assert.ok(ran.system.some((l) => l.startsWith('artifact reports: uploaded')));
  });

  it('does not upload artifacts of a failed job', async () => {
    const artifactsDir = freshDir('art');
    const storage = createLocalJobStorage({ cacheDir: freshDir('cache'), artifactsDir });
    const job = makeJob([step('echo r > report.txt; exit 1')], { id: 'build', artifacts: { name: 'reports', paths: ['report.txt'] } });
    const ran = await run(job, { storage });
    assert.equal(ran.outcome.status, 'failure');
    assert.ok(ran.system.includes('artifacts not uploaded: they are kept only when the job succeeds (when: on_failure or always keeps them from a failed job)'), ran.system.join('\n'));
    assert.deepEqual(await storage('next').artifactsOf(['build'], new AbortController().signal), []);
  });

  it('when: on_failure keeps the test report of a failed job (the job stays failed) and nothing of a successful one', async () => {
    const storage = createLocalJobStorage({ cacheDir: freshDir('cache'), artifactsDir: freshDir('art') });
    const report = (exit: number) => makeJob([step(`echo "exit ${exit}" > report.txt; exit ${exit}`)], { id: 'test', artifacts: { name: 'report', paths: ['report.txt'], when: 'on_failure' } });
    const passed = await run(report(0), { storage });
    assert.equal(passed.outcome.status, 'success');
    assert.ok(passed.system.includes('artifacts not uploaded: they are kept only when the job fails (when: on_failure)'), passed.system.join('\n'));
    assert.deepEqual(await storage('next').artifactsOf(['test'], new AbortController().signal), []);

    const failed = await run(report(3), { storage });
    assert.equal(failed.outcome.status, 'failure');
    assert.match(failed.outcome.reason ?? '', /exit code 3/);
    assert.ok(failed.system.some((l) => /^artifact report: uploaded \(\d+ bytes\)$/.test(l)), failed.system.join('\n'));
    assert.deepEqual((await storage('next').artifactsOf(['test'], new AbortController().signal)).map((a) => a.name), ['report']);
  });

  it('when: always keeps them from a failed job; a job stopped by its timeout keeps none', async () => {
    const storage = createLocalJobStorage({ cacheDir: freshDir('cache'), artifactsDir: freshDir('art') });
    const failing = makeJob([step('echo r > report.txt; exit 1')], { id: 'a', artifacts: { name: 'a', paths: ['report.txt'], when: 'always' } });
    const failed = await run(failing, { storage });
    assert.equal(failed.outcome.status, 'failure');
    assert.ok(failed.system.some((l) => l.startsWith('artifact a: uploaded')), failed.system.join('\n'));

    const slow = makeJob([step('echo r > report.txt; sleep 5')], { id: 'b', timeoutMs: 300, artifacts: { name: 'b', paths: ['report.txt'], when: 'always' } });
    const timedOut = await run(slow, { storage });
    assert.deepEqual([timedOut.outcome.status, timedOut.outcome.failureKind], ['failure', 'timeout']);
    assert.ok(timedOut.system.includes('artifacts not uploaded: the job was stopped (canceled or timed out)'), timedOut.system.join('\n'));
    assert.deepEqual((await storage('next').artifactsOf(['a', 'b'], new AbortController().signal)).map((a) => a.jobId), ['a']);
  });

  it('fails the job as infrastructure when the upload fails', async () => {
    const broken: JobStorage = {
      ...createLocalJobStorage({ cacheDir: freshDir('cache'), artifactsDir: freshDir('art') })('build'),
      uploadArtifact: async (_name, archive) => {
        archive.destroy();
        throw new Error('disk quota exceeded');
      },
    };
    const job = makeJob([step('echo r > report.txt')], { id: 'build', artifacts: { name: 'reports', paths: ['report.txt'] } });
    const ran = await run(job, { storage: () => broken });
    assert.ok(ran.system.includes('artifact reports: upload failed: disk quota exceeded'), ran.system.join('\n'));
    assert.equal(ran.outcome.status, 'failure');
    assert.equal(ran.outcome.failureKind, 'infrastructure');
    assert.equal(ran.outcome.reason, 'artifact reports: upload failed: disk quota exceeded');
  });
});
