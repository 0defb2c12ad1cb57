import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { GantryError } from '../../core/index.js';
import type { ExecRequest, Workspace } from '../backend.js';
import { isGone, waitGone } from '../testing/process-probe.js';
import { LocalBackend } from './local-backend.js';

const backend = new LocalBackend();
const scratch = mkdtempSync(join(tmpdir(), 'gantry-lb-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const workspace: Workspace = { dir: scratch, tempDir: scratch, owned: false };

async function sh(script: string, extra: Partial<ExecRequest> = {}) {
  const out = { stdout: '', stderr: '' };
  const result = await backend.exec(
    {
      workspace,
      argv: ['bash', '-c', script],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      cwd: scratch,
      killGraceMs: 200,
      signal: new AbortController().signal,
      ...extra,
    },
    (stream, chunk) => {
      out[stream] += chunk.toString();
    },
  );
  return { ...result, ...out };
}

function pidsOf(text: string): number[] {
  return text.trim().split(/\s+/).filter(Boolean).map(Number);
}

describe('LocalBackend.exec', () => {
  it('reports the exit code and delivers stdout and stderr separately', async () => {
    const r = await sh('echo out; echo err >&2; exit 3');
    assert.equal(r.exitCode, 3);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
    assert.equal(r.timedOut, false);
    assert.equal(r.canceled, false);
  });

  it('passes env and cwd', async () => {
    const r = await sh('echo "$FOO $(pwd)"', { env: { PATH: process.env.PATH!, FOO: 'bar' } });
    assert.equal(r.stdout.trim(), `bar ${scratch}`);
  });

  it('kills background processes a step leaves behind when it exits normally', async () => {
    const r = await sh('sleep 1000 & echo $!');
    assert.equal(r.exitCode, 0);
    const [pid] = pidsOf(r.stdout);
    assert.ok(await waitGone(pid!, 10_000), `background pid ${pid} survived the step`);
  });

  it('does not hang on a process that escaped the group but holds the output pipes', async () => {
    const started = Date.now();
    const r = await sh('setsid sleep 30 & echo $!; sleep 0.2');
    const [pid] = pidsOf(r.stdout);
    try {
      assert.equal(r.exitCode, 0);
      const elapsed = Date.now() - started;
      // Far below the escaped sleep's 30 s (a loaded machine is slow, not 20 s slow).
      assert.ok(elapsed < 10_000, 'waited for the escaped process');
      assert.ok(elapsed >= 900, 'the pipes were abandoned only after the close wait');
    } finally {
      process.kill(pid!, 'SIGKILL');
    }
  });

  it('on timeout kills the whole process group, grandchildren included', async () => {
    const started = Date.now();
    // 1.5 s: long enough for a loaded machine's bash to print the grandchild's pid first.
    const r = await sh('sleep 1000 & echo $!; sleep 1000', { timeoutMs: 1500 });
    assert.equal(r.timedOut, true);
    assert.equal(r.exitCode, null);
    assert.ok(Date.now() - started < 10_000);
    const [pid] = pidsOf(r.stdout);
    assert.ok(await waitGone(pid!, 10_000), `grandchild ${pid} survived the timeout`);
  });

  it('on abort kills the group and resolves canceled', async () => {
    const controller = new AbortController();
    let pid = 0;
    const result = backend.exec(
      {
        workspace,
        argv: ['bash', '-c', '(sleep 1000; echo never) & echo $!; wait'],
        env: { PATH: process.env.PATH! },
        cwd: scratch,
        killGraceMs: 200,
        signal: controller.signal,
      },
      (_stream, chunk) => {
        pid = Number(chunk.toString().trim());
        controller.abort();
      },
    );
    const r = await result;
    assert.equal(r.canceled, true);
    assert.ok(pid > 0);
    assert.ok(await waitGone(pid, 10_000), `grandchild ${pid} survived the cancel`);
  });

  it('sends SIGKILL after the grace period when TERM is ignored', async () => {
    const started = Date.now();
    // The timeout leaves bash time to set its trap even on a loaded machine (else TERM would end it).
    const r = await sh("trap '' TERM; sleep 1000 & echo $!; while :; do sleep 0.05; done", { timeoutMs: 1500, killGraceMs: 300 });
    const elapsed = Date.now() - started;
    assert.equal(r.timedOut, true);
    assert.equal(r.signal, 'SIGKILL');
    assert.ok(elapsed >= 1780, `resolved after ${elapsed}ms, before the grace period ended`);
    const [pid] = pidsOf(r.stdout);
    assert.ok(isGone(pid!) || (await waitGone(pid!, 10_000)));
  });

  it('does not start anything when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const marker = join(scratch, 'never');
    const r = await sh(`touch ${marker}`, { signal: controller.signal });
    assert.equal(r.canceled, true);
    assert.equal(existsSync(marker), false);
  });

  it('rejects with RUNNER_SPAWN_FAILED when the program does not exist', async () => {
    await assert.rejects(
      backend.exec(
        { workspace, argv: ['/no/such/shell', '-c', 'true'], env: {}, cwd: scratch, signal: new AbortController().signal },
        () => undefined,
      ),
      (err: unknown) => err instanceof GantryError && err.code === 'RUNNER_SPAWN_FAILED' && /no\/such\/shell/.test(err.message),
    );
  });
});

describe('LocalBackend workspaces', () => {
  it('checkout: false gets a fresh empty dir that cleanup removes', async () => {
    const ws = await backend.prepare({ jobId: 'build (node: 20)' });
    assert.equal(ws.owned, true);
    assert.deepEqual(readdirSync(ws.dir), []);
    assert.notEqual(ws.dir, ws.tempDir);
    await backend.cleanup(ws);
    assert.equal(existsSync(ws.dir), false);
    assert.equal(existsSync(ws.tempDir), false);
  });

  it('checkout: true runs in the source dir and never deletes it', async () => {
    const source = mkdtempSync(join(tmpdir(), 'gantry-src-'));
    writeFileSync(join(source, 'file.txt'), 'x');
    const ws = await backend.prepare({ jobId: 'a', sourceDir: source });
    assert.equal(ws.dir, source);
    assert.equal(ws.owned, false);
    await backend.cleanup(ws);
    assert.equal(existsSync(join(source, 'file.txt')), true);
    assert.equal(existsSync(ws.tempDir), false);
    rmSync(source, { recursive: true });
  });

  it('cleanup removes temp dirs that steps filled with subdirectories', async () => {
    const ws = await backend.prepare({ jobId: 'a' });
    mkdirSync(join(ws.tempDir, 'sub', 'deeper'), { recursive: true });
    writeFileSync(join(ws.tempDir, 'sub', 'deeper', 'f'), 'x');
    writeFileSync(join(ws.tempDir, 'top'), 'x');
    await backend.cleanup(ws);
    assert.equal(existsSync(ws.tempDir), false);
    await backend.cleanup(ws); // twice is fine
  });
});
