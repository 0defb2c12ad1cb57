import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseWebhook, verifyWebhook } from '../../triggers/index.js';

/**
 * The post-receive hook for real: a bare repository, `gantry hooks install --post-receive` run as
 * the real CLI, `git push` from a clone, and an HTTP server in this process standing in for Gantry's
 * webhook route. Everything is spawned asynchronously: the server must keep answering while git runs.
 */
const GANTRY = fileURLToPath(new URL('../../../bin/gantry.js', import.meta.url));
const ENV = { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@e', GIT_CONFIG_NOSYSTEM: '1' };

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd, env: ENV });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

async function recorder(failFirst: number) {
  const received: Received[] = [];
  let failures = failFirst;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks) });
      if (failures-- > 0) res.writeHead(503).end('busy');
      else res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"accepted"}');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, received, port: (server.address() as AddressInfo).port };
}

test('a push to a bare repository sends one signed generic delivery per ref; a server outage never fails the push', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-post-receive-'));
  const bare = join(dir, 'site.git');
  const work = join(dir, 'work');
  assert.equal((await run('git', ['init', '-q', '--bare', '-b', 'main', bare], dir)).code, 0);
  // One 503 first: notify must retry that delivery with the same id.
  const { server, received, port } = await recorder(1);
  const url = `http://127.0.0.1:${port}`;

  const notBare = await run(process.execPath, [GANTRY, 'hooks', 'install', '--post-receive', '--repo', dir, '--server', url, '--project', 'site'], dir);
  assert.notEqual(notBare.code, 0);

  const install = await run(process.execPath, [GANTRY, 'hooks', 'install', '--post-receive', '--repo', bare, '--server', url, '--project', 'site', '--secret', 'hook-s3cret'], dir);
  assert.equal(install.code, 0, install.stderr);
  const script = readFileSync(join(bare, 'hooks', 'post-receive'), 'utf8');
  assert.match(script, /# gantry-managed-hook/);
  assert.match(script, /'hooks' 'notify' '--server' 'http:\/\/127\.0\.0\.1:\d+' '--project' 'site' '--secret-file' '[^']*gantry-secret'/);
  assert.doesNotMatch(script, /hook-s3cret/);
  assert.equal(statSync(join(bare, 'hooks', 'gantry-secret')).mode & 0o777, 0o600);

  await run('git', ['clone', '-q', bare, work], dir);
  writeFileSync(join(work, 'README'), 'hello\n');
  await run('git', ['add', '.'], work);
  await run('git', ['commit', '-q', '-m', 'first'], work);
  await run('git', ['tag', '-a', '-m', 'release one', 'v1'], work);
  const push = await run('git', ['push', 'origin', 'main', 'v1'], work);
  assert.equal(push.code, 0, push.stderr);
  const head = (await run('git', ['rev-parse', 'HEAD'], work)).stdout.trim();

  // 3 requests: the 503'd one, its retry, and the tag.
  assert.equal(received.length, 3, JSON.stringify(received.map((r) => r.raw.toString())));
  assert.equal(received[0]!.headers['x-gantry-delivery'], received[1]!.headers['x-gantry-delivery'], 'a retry keeps its delivery id');
  const accepted = received.slice(1);
  assert.notEqual(accepted[0]!.headers['x-gantry-delivery'], accepted[1]!.headers['x-gantry-delivery']);
  const events = accepted.map((r) => {
    assert.equal(r.url, '/hooks/generic/site');
    assert.deepEqual(verifyWebhook('generic', r.headers, r.raw, 'hook-s3cret'), { ok: true });
    assert.equal(verifyWebhook('generic', r.headers, r.raw, 'other').ok, false);
    const parsed = parseWebhook('generic', r.headers, JSON.parse(r.raw.toString()));
    assert.equal(parsed.kind, 'event');
    return parsed.kind === 'event' ? parsed : undefined;
  });
  const byRef = new Map(events.map((e) => [e!.ref, e!]));
  assert.deepEqual(byRef.get('refs/heads/main')!.event, { name: 'push', branch: 'main', sha: head, repository: 'site' });
  // The hook reports the raw ref update: for an annotated tag, `after` is the tag object.
  const tag = byRef.get('refs/tags/v1')!;
  assert.equal(tag.event.tag, 'v1');
  assert.equal(tag.after, (await run('git', ['rev-parse', 'v1'], work)).stdout.trim());
  assert.match(push.stderr, /remote: gantry: notified http:\/\/127\.0\.0\.1:\d+\/hooks\/generic\/site of refs\/heads\/main/);

  // Server gone: the push still succeeds, and says why nothing was sent.
  await new Promise<void>((ok) => server.close(() => ok()));
  writeFileSync(join(work, 'README'), 'again\n');
  await run('git', ['commit', '-q', '-am', 'second'], work);
  const offline = await run('git', ['push', 'origin', 'main'], work);
  assert.equal(offline.code, 0, offline.stderr);
  assert.match(offline.stderr, /remote: gantry: could not reach .*ECONNREFUSED.*not sent: refs\/heads\/main\. The server's polling will pick these up\./);
  assert.equal((await run('git', ['rev-parse', 'main'], bare)).stdout.trim(), (await run('git', ['rev-parse', 'HEAD'], work)).stdout.trim());
});
