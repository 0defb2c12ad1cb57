// The secret box and its keys: AES-256-GCM round trip; a wrong key, a tampered value and a value
// moved to another name or scope are refused; the key file is created 0600 and refused when others
// may read it; key errors never echo a key; which secrets a job references.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { GantryError } from '../../src/core/index.js';
import { compilePipeline, loadPipeline, type GitEvent } from '../../src/pipeline/index.js';
import { keyFileOf, loadKeyring, referencedSecrets, SecretBox, sealContext } from '../../src/server/secrets/index.js';

const key = () => randomBytes(32);
const PROJECT = { kind: 'project', projectId: 7 } as const;
const INSTANCE = { kind: 'instance' } as const;

function unreadable(fn: () => unknown): GantryError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof GantryError, String(err));
    assert.equal(err.code, 'SECRET_UNREADABLE');
    return err;
  }
  assert.fail('expected SECRET_UNREADABLE');
}

test('seal → open round trip; each seal uses a fresh nonce; the value is not in the sealed text', () => {
  const box = new SecretBox({ current: key(), previous: [] });
  const value = 'hunter2-multi\nline ✓ value';
  const context = sealContext.secret(PROJECT, 'TOKEN');
  const a = box.seal(value, context);
  const b = box.seal(value, context);
  assert.notEqual(a, b, 'random nonce per value');
  assert.equal(box.open(a, context), value);
  assert.equal(box.open(b, context), value);
  assert.ok(!a.includes('hunter2') && !a.includes(Buffer.from(value).toString('base64').slice(0, 12)));
  assert.match(a, new RegExp(`^gsk1:${box.currentKeyId}:`), 'the key id is stored with the ciphertext');
});

test('a wrong key is refused, and the message names the key id, never the value', () => {
  const sealed = new SecretBox({ current: key(), previous: [] }).seal('top-secret-value', 'secret/instance/X');
  const err = unreadable(() => new SecretBox({ current: key(), previous: [] }).open(sealed, 'secret/instance/X'));
  assert.match(err.message, /not configured/);
  assert.ok(!err.message.includes('top-secret-value'));
});

test('a tampered ciphertext, nonce or truncated value is refused', () => {
  const box = new SecretBox({ current: key(), previous: [] });
  const sealed = box.seal('top-secret-value', 'ctx');
  const [prefix, id, nonce, body] = sealed.split(':') as [string, string, string, string];
  const flip = (text: string) => {
    const bytes = Buffer.from(text, 'base64url');
    bytes[0] = bytes[0]! ^ 1;
    return bytes.toString('base64url');
  };
  unreadable(() => box.open([prefix, id, nonce, flip(body)].join(':'), 'ctx'));
  unreadable(() => box.open([prefix, id, flip(nonce), body].join(':'), 'ctx'));
  unreadable(() => box.open([prefix, id, nonce, body.slice(0, 10)].join(':'), 'ctx'));
  unreadable(() => box.open('plain text', 'ctx'));
});

test('a ciphertext copied to another name, scope or project does not decrypt (associated data)', () => {
  const box = new SecretBox({ current: key(), previous: [] });
  const sealed = box.seal('project-7-token', sealContext.secret(PROJECT, 'TOKEN'));
  unreadable(() => box.open(sealed, sealContext.secret(PROJECT, 'OTHER')));
  unreadable(() => box.open(sealed, sealContext.secret(INSTANCE, 'TOKEN')));
  unreadable(() => box.open(sealed, sealContext.secret({ kind: 'project', projectId: 8 }, 'TOKEN')));
  unreadable(() => box.open(sealed, sealContext.webhook('app')));
});

test('older keys still open what they sealed (incremental rotation); only the current key seals', () => {
  const old = key();
  const next = key();
  const sealedOld = new SecretBox({ current: old, previous: [] }).seal('v', 'c');
  const rotating = new SecretBox({ current: next, previous: [old] });
  assert.equal(rotating.open(sealedOld, 'c'), 'v');
  assert.equal(rotating.isCurrent(sealedOld), false);
  assert.equal(rotating.isCurrent(rotating.seal('v', 'c')), true);
  unreadable(() => new SecretBox({ current: next, previous: [] }).open(sealedOld, 'c'));
});

test('the key file is generated once with mode 0600 and reused; one that others may read is refused', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-key-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const first = await loadKeyring({ dataDir });
  assert.equal(first.generated, true);
  assert.equal(statSync(keyFileOf(dataDir)).mode & 0o777, 0o600);
  const again = await loadKeyring({ dataDir });
  assert.equal(again.generated, false);
  assert.deepEqual(again.keyring.current, first.keyring.current);
  chmodSync(keyFileOf(dataDir), 0o644);
  await assert.rejects(loadKeyring({ dataDir }), (err: GantryError) => err.code === 'SECRET_KEY_INVALID' && /chmod 600/.test(err.message));
});

test('the secretKey setting wins over the file; bad keys are refused without echoing them', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-key-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const a = key();
  const b = key();
  const loaded = await loadKeyring({ dataDir, secretKey: `${a.toString('base64')},${b.toString('base64')}` });
  assert.deepEqual([loaded.keyring.current, ...loaded.keyring.previous], [a, b]);
  assert.throws(() => statSync(keyFileOf(dataDir)), 'no key file is made when the setting is used');
  const short = randomBytes(16).toString('base64');
  await assert.rejects(loadKeyring({ dataDir, secretKey: short }), (err: GantryError) => err.code === 'SECRET_KEY_INVALID' && !err.message.includes(short));
  writeFileSync(keyFileOf(dataDir), '# comment only\n', { mode: 0o600 });
  await assert.rejects(loadKeyring({ dataDir }), (err: GantryError) => err.code === 'SECRET_KEY_INVALID');
  assert.equal(readFileSync(keyFileOf(dataDir), 'utf8'), '# comment only\n', 'an existing file is never overwritten');
});

function plan(yaml: string, event: Partial<GitEvent> = {}) {
  const loaded = loadPipeline(yaml, '.gantry.yml');
  assert.ok(loaded.loaded, JSON.stringify(loaded.diagnostics));
  const compiled = compilePipeline(loaded.loaded, { name: 'push', branch: 'main', sha: 'a'.repeat(40), ...event });
  assert.ok(compiled.plan, JSON.stringify(compiled.diagnostics));
  return compiled.plan;
}

test('referencedSecrets: names from run text, env, if, with and top-level env; other jobs reference none', () => {
  const p = plan(`version: 1
env: { SHARED: "\${{ secrets.TOP }}" }
jobs:
  deploy:
    steps:
      - run: echo \${{ secrets.TOKEN }}
      - run: echo hi
        if: secrets['OPTIONAL'] != ''
        env: { KEY: "x-\${{ secrets.API_KEY }}" }
  other:
    steps:
      - run: env
`);
  const [deploy, other] = p.jobs;
  assert.deepEqual(referencedSecrets(p, deploy!), { names: ['API_KEY', 'OPTIONAL', 'TOKEN', 'TOP'], dynamic: false });
  assert.deepEqual(referencedSecrets(p, other!), { names: ['TOP'], dynamic: false }, 'top-level env is every job\'s');
  const bare = plan(`version: 1
jobs:
  lonely:
    steps:
      - run: env
`);
  assert.deepEqual(referencedSecrets(bare, bare.jobs[0]!), { names: [], dynamic: false });
});

test('referencedSecrets: a computed name or the whole context is dynamic and names nothing', () => {
  const p = plan(`version: 1
jobs:
  sneaky:
    steps:
      - run: echo \${{ toJSON(secrets) }} \${{ secrets[git.branch] }}
`);
  assert.deepEqual(referencedSecrets(p, p.jobs[0]!), { names: [], dynamic: true });
});
