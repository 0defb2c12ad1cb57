import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { after, describe, it } from 'node:test';
import { systemClock } from '../../core/index.js';
import { createLocalJobStorage } from './local-storage.js';

const base = mkdtempSync(join(tmpdir(), 'gantry-localstore-'));
after(() => rmSync(base, { recursive: true, force: true }));
const never = new AbortController().signal;
let n = 0;
const fresh = () => {
  const dir = join(base, `s${++n}`);
  return { cacheDir: join(dir, 'cache'), artifactsDir: join(dir, 'artifacts') };
};
const bytes = (s: string) => Readable.from([Buffer.from(s)]);

describe('local job storage: caches', () => {
  it('restores the exact key first, else the newest entry of the first prefix that matches, else nothing', async () => {
    let now = 1_000;
    const storage = createLocalJobStorage({ ...fresh(), clock: { ...systemClock, now: () => now } })('job');
    assert.equal(await storage.saveCache('npm-linux-bbb', bytes('B'), never), true);
    now = 500;
    assert.equal(await storage.saveCache('npm-linux-aaa', bytes('A'), never), true);
    now = 2_000;
    assert.equal(await storage.saveCache('npm-mac-ccc', bytes('C'), never), true);

    const exact = await storage.restoreCache('npm-linux-aaa', ['npm-'], never);
    assert.equal(exact?.key, 'npm-linux-aaa');
    assert.equal(await text(exact.archive), 'A');

    const prefix = await storage.restoreCache('npm-linux-zzz', ['npm-linux-', 'npm-'], never);
    assert.equal(prefix?.key, 'npm-linux-bbb', 'newest of the first matching prefix');
    assert.equal(await text(prefix.archive), 'B');

    const second = await storage.restoreCache('npm-bsd-x', ['npm-bsd-', 'npm-'], never);
    assert.equal(second?.key, 'npm-mac-ccc', 'first prefix matches nothing, the second its newest entry');
    prefix.archive.destroy();
    second.archive.destroy();

    assert.equal(await storage.restoreCache('pip-x', ['pip-'], never), undefined);
  });

  it('keeps entries immutable: saving a key again writes nothing and answers false', async () => {
    const options = fresh();
    const storage = createLocalJobStorage(options)('job');
    assert.equal(await storage.saveCache('k', bytes('first'), never), true);
    assert.equal(await storage.saveCache('k', bytes('second'), never), false);
    const found = await storage.restoreCache('k', [], never);
    assert.equal(await text(found!.archive), 'first');
  });

  it('stays within cacheMaxBytes: a save evicts the least recently used entries (a restore is a use), never the one just saved', async () => {
    const options = fresh();
    let now = Date.now();
    const storage = createLocalJobStorage({ ...options, cacheMaxBytes: 25, clock: { ...systemClock, now: () => now } })('job');
    await storage.saveCache('a', bytes('aaaaaaaaaa'), never);
    await storage.saveCache('b', bytes('bbbbbbbbbb'), never);
    now += 3_600_000;
    (await storage.restoreCache('a', [], never))!.archive.destroy(); // a is now the most recently used
    await storage.saveCache('c', bytes('cccccccccc'), never); // 30 bytes > 25: b goes
    const kept = async (key: string) => (await storage.restoreCache(key, [], never))?.archive.destroy() !== undefined;
    assert.deepEqual([await kept('a'), await kept('b'), await kept('c')], [true, false, true]);

    await storage.saveCache('huge', bytes('x'.repeat(40)), never); // larger than the bound alone: kept, the rest goes
    assert.deepEqual([await kept('a'), await kept('c'), await kept('huge')], [false, false, true]);
  });

  it('is shared by later exec runs (a new storage over the same dir sees the entry)', async () => {
    const options = fresh();
    await createLocalJobStorage(options)('a').saveCache('k', bytes('kept'), never);
    const found = await createLocalJobStorage(options)('b').restoreCache('k', [], never);
    assert.equal(await text(found!.archive), 'kept');
  });

  it('leaves no entry and no temp file when the archive stream fails half way (a crash or a full disk)', async () => {
    const options = fresh();
    const storage = createLocalJobStorage(options)('job');
    const failing = new Readable({
      read() {
        this.push(Buffer.from('half an archive'));
        this.destroy(new Error('ENOSPC: no space left on device'));
      },
    });
    await assert.rejects(storage.saveCache('k', failing, never), /ENOSPC/);
    assert.equal(await storage.restoreCache('k', ['k'], never), undefined);
    assert.deepEqual(readdirSync(join(options.cacheDir, '.tmp')), []);
    assert.equal(await storage.saveCache('k', bytes('whole'), never), true, 'the key is still free');
  });

  it('stops a save when the signal aborts, writing nothing', async () => {
    const storage = createLocalJobStorage(fresh())('job');
    const endless = new Readable({ read() { this.push(Buffer.alloc(1024)); } });
    const controller = new AbortController();
    const saving = storage.saveCache('k', endless, controller.signal);
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(saving, { name: 'AbortError' });
    assert.equal(await storage.restoreCache('k', [], never), undefined);
  });
});

describe('local job storage: artifacts', () => {
  it('lists the artifacts of the named jobs only, with their size; a retried upload replaces the earlier one', async () => {
    const storage = createLocalJobStorage(fresh());
    await storage('build').uploadArtifact('dist', bytes('v1'), undefined, never);
    await storage('build').uploadArtifact('dist', bytes('v2!'), 60_000, never);
    await storage('build').uploadArtifact('coverage', bytes('cov'), undefined, never);
    await storage('other').uploadArtifact('dist', bytes('not mine'), undefined, never);
    const found = await storage('deploy').artifactsOf(['build', 'missing'], never);
    assert.deepEqual(
      found.map((a) => [a.jobId, a.name, a.sizeBytes]).sort(),
      [['build', 'coverage', 3], ['build', 'dist', 3]],
    );
    const dist = found.find((a) => a.name === 'dist')!;
    assert.equal(await text(await dist.open(never)), 'v2!');
  });
});
